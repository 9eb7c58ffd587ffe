using Clipper.Core;
using Clipper.Core.Samples;

namespace Clipper.Samples;

/// <summary>
/// Talking videos built once into a directory and reused, with the truth about them beside (name.json), so tests
/// and benchmarks that ask for the same video share one build. Test programs run in parallel, hence a lock file per
/// video as well as one build at a time in this process.
/// </summary>
public static class SampleCache
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Builds (once) a talking video of <paramref name="sentences"/> with <paramref name="photo"/>, keyed by name.</summary>
    public static async Task<BuiltMedia> TalkAsync(string dir, string name, IReadOnlyList<string> sentences, Look look,
        string photo = "jesper.jpg", CancellationToken cancel = default)
    {
        Directory.CreateDirectory(dir);
        var mp4 = Path.Combine(dir, name + ".mp4");
        var truth = Path.Combine(dir, name + ".json");
        await Gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            using var fileLock = await LockAsync(Path.Combine(dir, name + ".lock"), cancel).ConfigureAwait(false);
            if (File.Exists(mp4) && File.Exists(truth))
            {
                return Json.Deserialize<BuiltMedia>(await File.ReadAllTextAsync(truth, cancel).ConfigureAwait(false));
            }

            var tmp = Path.Combine(dir, $".{name}.{Guid.NewGuid():N}.mp4");
            var built = await SampleVideo.TalkingVideoAsync(Assets.Photo(photo), sentences, look, tmp, cancel).ConfigureAwait(false);
            File.Move(tmp, mp4, overwrite: true);
            built = built with { File = mp4 };
            await File.WriteAllTextAsync(truth, Json.Serialize(built), cancel).ConfigureAwait(false);
            return built;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken cancel)
    {
        for (int i = 0; ; i++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (i < 1200)
            {
                // another process builds it: up to ten minutes
                await Task.Delay(500, cancel).ConfigureAwait(false);
            }
        }
    }
}
