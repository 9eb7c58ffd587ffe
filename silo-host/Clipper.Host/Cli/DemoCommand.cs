using Clipper.Core.Samples;
using Clipper.Host.Hosting;
using Clipper.Samples;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Clipper.Host.Cli;

/// <summary>
/// <c>clipper demo</c>: builds a ~4-minute talking video from real public media (a real face photo panning under a
/// 1080p frame, with the bundled three-part talk spoken by ffmpeg's flite voice) and clips it. The video is built once and
/// kept under $CLIPPER_HOME/demo.
/// </summary>
public sealed class DemoCommand(TextWriter stdout, TextWriter stderr, string logFile, ILoggerProvider logs)
{
    public async Task<int> RunAsync(IConfiguration config, DemoLine args, CancellationToken cancel)
    {
        var video = await SampleTalkAsync(Path.Combine(SiloHost.Home(config), "demo", "long-talk-4min.mp4"), 4, stderr, cancel);
        var outcome = await new ClipCommand(stdout, stderr, logFile, logs)
            .RunAsync(config, args.ToArgs(video), cancel);
        return outcome.ExitCode;
    }

    /// <summary>The 1080p sample talk of about <paramref name="minutes"/>, built once at <paramref name="video"/> and reused after.</summary>
    public static Task<string> SampleTalkAsync(string video, double minutes, TextWriter stderr, CancellationToken cancel) =>
        BuiltOnceAsync(video, $"a {minutes:0}-minute sample video (a real photo panning, synthetic speech of the bundled talk)", stderr,
            tmp => SampleVideo.TalkingVideoAsync(Assets.Photo("jesper.jpg"), SampleVideo.LongTalk(minutes), Look.FullHd, tmp, cancel));

    /// <summary>
    /// The 1080p long source of about <paramref name="minutes"/> (<see cref="LongSource"/>: the sample talk in several
    /// voices, the LibriVox readings, a photo per part), built once at <paramref name="video"/> and reused after.
    /// </summary>
    public static Task<string> LongSourceAsync(string video, double minutes, TextWriter stderr, CancellationToken cancel) =>
        BuiltOnceAsync(video, $"a {minutes:0}-minute source (the sample talk in {LongSource.Voices.Count} voices, LibriVox readings, "
            + $"{LongSource.Photos.Count} photos; several minutes)", stderr,
            tmp => LongSource.BuildAsync(LongSource.Plan(minutes), Look.FullHd, tmp, cancel));

    private static async Task<string> BuiltOnceAsync(string video, string what, TextWriter stderr, Func<string, Task> build)
    {
        if (!File.Exists(video))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(video)!);
            stderr.WriteLine($"clipper: building {what}…");
            var tmp = Path.Combine(Path.GetDirectoryName(video)!, "building-" + Path.GetFileName(video));
            await build(tmp);
            File.Move(tmp, video, overwrite: true);
        }

        return video;
    }
}
