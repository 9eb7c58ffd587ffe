namespace Clipper.Persistence.Tests.Grains;

// One class behind both long-key interfaces, so the plain and the extended key share a state name and
// only GrainIdExtensionString (NULL or not) tells their rows apart.
public sealed class LongNoteGrain([PersistentState("long-note", "jobs")] IPersistentState<NoteState> note)
    : NoteGrainBase(note), ILongNoteGrain, ILongCompoundNoteGrain;
