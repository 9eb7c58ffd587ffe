using System.Text;
using Clipper.TestSupport;

namespace Clipper.Stages.Fetch.Tests;

/// <summary>
/// The talking video served by a real HTTP server on 127.0.0.1, with a path for every way a download can go
/// wrong. Shared by the tests of one class (which xunit runs one after another).
/// </summary>
public sealed class HttpServerFixture : TalkFixture
{
    public byte[] TalkBytes { get; private set; } = [];

    public TestHttpServer Server { get; private set; } = null!;

    /// <summary>The talk's picture alone and its sound alone, as a site keeps them for its best formats.</summary>
    public byte[] VideoOnly { get; private set; } = [];

    public byte[] AudioOnly { get; private set; } = [];

    /// <summary>The talk as HLS (a media playlist of 1 s MPEG-TS segments, as ffmpeg writes it): file name → bytes.</summary>
    public Dictionary<string, byte[]> Hls { get; } = new(StringComparer.Ordinal);

    /// <summary>The talk as MPEG-DASH (a manifest with a segment timeline, video and audio apart in fMP4 segments, as ffmpeg writes it).</summary>
    public Dictionary<string, byte[]> Dash { get; } = new(StringComparer.Ordinal);

    /// <summary>Captions a person wrote for the talk, served beside it.</summary>
    public const string ManualVtt = """
        WEBVTT

        00:00:00.200 --> 00:00:02.400
        Clipper fetches this video before anything else.

        00:00:02.500 --> 00:00:04.600
        Then it checks that people can hear it.

        """;

    /// <summary>A site's automatic captions as YouTube writes them: word timestamps, and each line rolled up into the next cue.</summary>
    public const string AutoVtt = """
        WEBVTT
        Kind: captions
        Language: en

        00:00:00.200 --> 00:00:02.390 align:start position:0%
        clipper<00:00:00.560><c> fetches</c><00:00:01.000><c> this</c><00:00:01.200><c> video</c><00:00:01.500><c> before</c><00:00:01.800><c> anything</c><00:00:02.100><c> else</c>

        00:00:02.390 --> 00:00:02.400 align:start position:0%
        clipper fetches this video before anything else

        00:00:02.400 --> 00:00:04.600 align:start position:0%
        clipper fetches this video before anything else
        then<00:00:02.700><c> it</c><00:00:02.900><c> checks</c><00:00:03.300><c> that</c><00:00:03.600><c> people</c><00:00:03.900><c> can</c><00:00:04.100><c> hear</c><00:00:04.300><c> it</c>

        """;

    /// <summary>Automatic captions of music: one word in the whole video.</summary>
    public const string SparseAutoVtt = """
        WEBVTT
        Kind: captions
        Language: en

        00:00:00.200 --> 00:00:04.600 align:start position:0%
        [Music] oh

        """;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        TalkBytes = await File.ReadAllBytesAsync(Talk.File);
        var dir = TestMedia.TempDir("split-talk");
        VideoOnly = await File.ReadAllBytesAsync(await TestMedia.FfmpegAsync(Path.Combine(dir, "video.mp4"), "-i", Talk.File, "-an", "-c", "copy"));
        AudioOnly = await File.ReadAllBytesAsync(await TestMedia.FfmpegAsync(Path.Combine(dir, "audio.m4a"), "-i", Talk.File, "-vn", "-c", "copy"));
        await TestMedia.FfmpegAsync(Path.Combine(dir, "talk.m3u8"), "-i", Talk.File, "-c", "copy", "-f", "hls", "-hls_time", "1",
            "-hls_playlist_type", "vod", "-hls_segment_filename", Path.Combine(dir, "seg%03d.ts"));
        foreach (var file in Directory.GetFiles(dir, "*.m3u8").Concat(Directory.GetFiles(dir, "seg*.ts")))
        {
            Hls[Path.GetFileName(file)] = await File.ReadAllBytesAsync(file);
        }

        var dash = Path.Combine(dir, "dash");
        Directory.CreateDirectory(dash);
        await TestMedia.FfmpegAsync(Path.Combine(dash, "talk.mpd"), "-i", Talk.File, "-c", "copy", "-f", "dash", "-seg_duration", "1",
            "-use_template", "1", "-use_timeline", "1", "-adaptation_sets", "id=0,streams=v id=1,streams=a");
        foreach (var file in Directory.GetFiles(dash))
        {
            Dash[Path.GetFileName(file)] = await File.ReadAllBytesAsync(file);
        }

        Directory.Delete(dir, true);
        Server = new TestHttpServer(ServeAsync);
    }

    public override async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task ServeAsync(TestHttpServer.Exchange ex)
    {
        switch (ex.Path)
        {
            case "/media/talk.mp4":
                await ex.SendAsync(200, TalkBytes, ("Content-Type", "video/mp4"));
                break;
            case "/videoplayback/137":
                await ex.SendAsync(200, VideoOnly, ("Content-Type", "video/mp4"));
                break;
            case "/videoplayback/140":
                await ex.SendAsync(200, AudioOnly, ("Content-Type", "audio/mp4"));
                break;
            case "/watch/talk":
                // a page with the video in it, as a site shows one: read by yt-dlp's generic extractor
                await ex.SendAsync(200, Encoding.UTF8.GetBytes(
                    "<!doctype html><html><head><title>A talk about teams</title></head><body><h1>A talk about teams</h1>"
                    + "<video controls><source src=\"/media/talk.mp4\" type=\"video/mp4\"></video></body></html>"),
                    ("Content-Type", "text/html; charset=utf-8"));
                break;
            case "/watch/talk-subtitled":
                // the same, with the captions a person wrote as a <track>: yt-dlp lists them as the video's subtitles
                await ex.SendAsync(200, Encoding.UTF8.GetBytes(
                    "<!doctype html><html><head><title>A talk with captions</title></head><body><video controls>"
                    + "<source src=\"/media/talk.mp4\" type=\"video/mp4\"><track kind=\"captions\" srclang=\"en\" src=\"/media/talk.vtt\">"
                    + "</video></body></html>"),
                    ("Content-Type", "text/html; charset=utf-8"));
                break;
            case "/media/talk.vtt" or "/subs/manual-en.vtt":
                await ex.SendAsync(200, Encoding.UTF8.GetBytes(ManualVtt), ("Content-Type", "text/vtt"));
                break;
            case "/subs/auto-en.vtt":
                await ex.SendAsync(200, Encoding.UTF8.GetBytes(AutoVtt), ("Content-Type", "text/vtt"));
                break;
            case "/subs/sparse-en.vtt":
                await ex.SendAsync(200, Encoding.UTF8.GetBytes(SparseAutoVtt), ("Content-Type", "text/vtt"));
                break;
            case "/watch/hls":
                // a page whose video is HLS: yt-dlp's generic extractor reports it as m3u8_native
                await ex.SendAsync(200, Encoding.UTF8.GetBytes(
                    "<!doctype html><html><head><title>A talk in segments</title></head><body>"
                    + "<video controls src=\"/hls/talk.m3u8\"></video></body></html>"),
                    ("Content-Type", "text/html; charset=utf-8"));
                break;
            case var hls when hls.StartsWith("/hls/", StringComparison.Ordinal) && Hls.TryGetValue(hls[5..], out var bytes):
                await ex.SendAsync(200, bytes, ("Content-Type", hls.EndsWith(".m3u8", StringComparison.Ordinal) ? "application/vnd.apple.mpegurl" : "video/mp2t"));
                break;
            case "/watch/dash":
                // a page whose video is DASH: yt-dlp's generic extractor lists its segments (http_dash_segments)
                await ex.SendAsync(200, Encoding.UTF8.GetBytes(
                    "<!doctype html><html><head><title>A talk in DASH</title></head><body>"
                    + "<video controls src=\"/dash/talk.mpd\"></video></body></html>"),
                    ("Content-Type", "text/html; charset=utf-8"));
                break;
            case var dash when dash.StartsWith("/dash/", StringComparison.Ordinal) && Dash.TryGetValue(dash[6..], out var part):
                await ex.SendAsync(200, part, ("Content-Type", dash.EndsWith(".mpd", StringComparison.Ordinal) ? "application/dash+xml" : "video/iso.segment"));
                break;
            case "/hls-locked/talk.m3u8":
                await ex.SendAsync(200, Encoding.UTF8.GetBytes(
                    "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-KEY:METHOD=AES-128,URI=\"/hls-locked/key\"\n#EXTINF:1.0,\n/hls/seg000.ts\n#EXT-X-ENDLIST\n"),
                    ("Content-Type", "application/vnd.apple.mpegurl"));
                break;
            case "/hls-live/talk.m3u8":
                await ex.SendAsync(200, Encoding.UTF8.GetBytes(
                    "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:1.0,\n/hls/seg000.ts\n"),
                    ("Content-Type", "application/vnd.apple.mpegurl"));
                break;
            case "/watch/missing":
                await ex.SendAsync(404, Encoding.UTF8.GetBytes("<!doctype html><title>Not found</title>"), ("Content-Type", "text/html"));
                break;
            case "/watch/nothing":
                await ex.SendAsync(200, Encoding.UTF8.GetBytes(
                    "<!doctype html><html><head><title>No video</title></head><body><p>Just text.</p></body></html>"),
                    ("Content-Type", "text/html; charset=utf-8"));
                break;
            case "/untyped/talk":
                // No Content-Length and no type: the body ends when the connection closes.
                await ex.HeadAsync(200, null);
                for (int at = 0; at < TalkBytes.Length; at += 16384)
                {
                    await ex.WriteAsync(TalkBytes[at..Math.Min(TalkBytes.Length, at + 16384)]);
                }

                break;
            case "/missing.mp4":
                await ex.SendAsync(404, Encoding.UTF8.GetBytes("not here"));
                break;
            case "/gone.mp4":
                await ex.SendAsync(410, Encoding.UTF8.GetBytes("gone"));
                break;
            case "/private.mp4":
                await ex.SendAsync(401, Encoding.UTF8.GetBytes("log in first"), ("WWW-Authenticate", "Basic realm=\"talks\""));
                break;
            case "/forbidden.mp4":
                await ex.SendAsync(403, Encoding.UTF8.GetBytes("no"));
                break;
            case "/broken.mp4":
                await ex.SendAsync(503, Encoding.UTF8.GetBytes("try later"));
                break;
            case "/moved.mp4":
                await ex.RedirectAsync("/media/talk.mp4");
                break;
            case "/to-localhost.mp4":
                await ex.RedirectAsync($"http://localhost:{Server.Port}/media/talk.mp4");
                break;
            case "/to-rebind.mp4":
                await ex.RedirectAsync($"http://rebind.example.com:{Server.Port}/media/talk.mp4");
                break;
            case "/loop.mp4":
                await ex.RedirectAsync("/loop.mp4");
                break;
            case "/huge.mp4":
                // Declares 8 GiB; the client must give up on the header alone.
                await ex.HeadAsync(200, 8L * 1024 * 1024 * 1024);
                await ex.WriteAsync(new byte[1024]);
                break;
            case "/endless.mp4":
                // No Content-Length, then more bytes than the limit.
                await ex.HeadAsync(200, null);
                for (int i = 0; i < 64 && await ex.WriteAsync(new byte[4096]); i++)
                {
                    // keeps writing until the client hangs up or 256 KiB are out
                }

                break;
            case "/stall.mp4":
                await ex.HeadAsync(200, TalkBytes.Length);
                await ex.WriteAsync(TalkBytes[..1000]);
                await Task.Delay(TimeSpan.FromSeconds(20), ex.Stopping);
                break;
            case "/page.mp4":
                await ex.SendAsync(200, Encoding.UTF8.GetBytes("<!doctype html><title>Sign in</title><p>Please sign in"),
                    ("Content-Type", "text/html; charset=utf-8"));
                break;
            case "/empty.mp4":
                await ex.SendAsync(200, [], ("Content-Type", "video/mp4"));
                break;
            case "/notes.mp4":
                await ex.SendAsync(200, Encoding.UTF8.GetBytes("These are my meeting notes, not a video.\n"), ("Content-Type", "text/plain"));
                break;
            case "/short.mp4":
                // Promises the whole video, sends half and hangs up.
                await ex.HeadAsync(200, TalkBytes.Length, ("Content-Type", "video/mp4"));
                await ex.WriteAsync(TalkBytes[..(TalkBytes.Length / 2)]);
                break;
            default:
                await ex.SendAsync(500, Encoding.UTF8.GetBytes("unknown test path"));
                break;
        }
    }
}
