using Clipper.Samples;

namespace Clipper.Stages.Fetch.Tests;

/// <summary>The short talking video, built once (and cached on disk) for a test class.</summary>
public class TalkFixture : IAsyncLifetime
{
    public BuiltMedia Talk { get; private set; } = null!;

    public virtual async ValueTask InitializeAsync() => Talk = await FetchMedia.TalkAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
