namespace Clipper.Core.Samples;

/// <summary>
/// Locates the assets that scripts/setup.sh fetches (the face model, sample photos, LibriVox speech):
/// CLIPPER_ASSETS, else the nearest .assets directory above the working directory or this assembly.
/// Missing assets are an error that names the setup command, never a silent skip.
/// </summary>
public static class Assets
{
    public static string Dir()
    {
        var env = Environment.GetEnvironmentVariable("CLIPPER_ASSETS");
        if (!string.IsNullOrWhiteSpace(env))
        {
            return Directory.Exists(env) ? env
                : throw new InvalidOperationException($"assets directory {env} does not exist: run scripts/setup.sh first");
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var candidate = Path.Combine(d.FullName, ".assets");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException("assets not found: run scripts/setup.sh (or ./clipper demo) first");
    }

    /// <summary>The BlazeFace back-camera 256×256 model.</summary>
    public static string FaceModel() => Require(Path.Combine(Dir(), "blazeface", "face_detection_back_256x256_barracuda.onnx"));

    /// <summary>A kphotoalbum demo photo by file name, e.g. "jesper.jpg".</summary>
    public static string Photo(string name) =>
        Require(Path.Combine(Dir(), "kphotoalbum", "usr", "share", "kphotoalbum", "demo", name));

    /// <summary>The LibriVox recordings (16 kHz mono WAV) and their "transcription" file.</summary>
    public static string LibriVox() =>
        Require(Path.Combine(Dir(), "pocketsphinx-testdata", "usr", "share", "pocketsphinx", "test", "data", "librivox"));

    private static string Require(string path) =>
        File.Exists(path) || Directory.Exists(path) ? path
            : throw new InvalidOperationException($"{path} is missing: run scripts/setup.sh first");
}
