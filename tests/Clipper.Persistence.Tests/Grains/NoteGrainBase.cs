namespace Clipper.Persistence.Tests.Grains;

public abstract class NoteGrainBase(IPersistentState<NoteState> note) : Grain, INotes
{
    public Task<NoteState> Read() => Task.FromResult(note.State);

    public async Task Write(string text)
    {
        note.State.Text = text;
        note.State.Writes++;
        await note.WriteStateAsync();
    }

    public Task Clear() => note.ClearStateAsync();

    public Task<string?> ETag() => Task.FromResult(note.Etag);

    public Task<bool> RecordExists() => Task.FromResult(note.RecordExists);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
