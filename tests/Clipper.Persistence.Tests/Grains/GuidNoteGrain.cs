namespace Clipper.Persistence.Tests.Grains;

public sealed class GuidNoteGrain([PersistentState("guid-note", "jobs")] IPersistentState<NoteState> note)
    : NoteGrainBase(note), IGuidNoteGrain, IGuidCompoundNoteGrain;
