namespace Clipper.Persistence.Tests.Grains;

public sealed class NoteGrain([PersistentState("note", "jobs")] IPersistentState<NoteState> note)
    : NoteGrainBase(note), INoteGrain;
