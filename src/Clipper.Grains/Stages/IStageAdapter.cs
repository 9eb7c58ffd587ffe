using System.Text;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core;
using Clipper.Core.Storage;

namespace Clipper.Grains.Stages;

/// <summary>
/// One stage as the executor runs it: turns a unit's <see cref="StageWork"/> into the stage library's request, and
/// the library's result into the stage's <see cref="StageOutput"/>, reading inputs from and writing outputs to blob
/// storage under <see cref="BlobLayout"/> keys.
/// </summary>
internal interface IStageAdapter
{
    Task<StageOutput> RunAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel);
}

/// <summary>A unit's local files: its own work directory and the sources it holds in the cache.</summary>
internal sealed record UnitWorkspace(string Directory, SourceCache.Lease Sources);

/// <summary>Blobs that hold JSON (transcripts, crop paths).</summary>
internal static class BlobJson
{
    public static async Task<T> ReadJsonAsync<T>(this IBlobStore blobs, string key, CancellationToken cancel) =>
        Json.Deserialize<T>(Encoding.UTF8.GetString(await blobs.GetBytesAsync(key, cancel)));

    public static Task WriteJsonAsync<T>(this IBlobStore blobs, string key, T value, CancellationToken cancel) =>
        blobs.PutBytesAsync(key, Encoding.UTF8.GetBytes(Json.Serialize(value)), cancel);
}
