using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Clipper.Core.Errors;
using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Stages.Fetch.Platform;

namespace Clipper.Stages.Fetch;

/// <summary>
/// Stage 1, fetch: takes a local file, a <c>file:</c> URI or an http(s) URL, makes sure it is a usable talking
/// video, and stores it in blob storage under its SHA-256 (<see cref="BlobLayout.Source"/>) so that any node
/// can run the later stages. Side-car captions next to a local file are stored beside it.
/// <para>
/// Failures are <see cref="ClipperException"/>s with stable codes; only network trouble
/// (<see cref="ErrorCode.DownloadFailed"/>, except a 401/403/404/410 answer) and tool or storage hiccups are
/// transient. The input file is never modified, and the work directory is left as it was found.
/// </para>
/// </summary>
public sealed partial class Fetcher : IDisposable
{
    // Download phase, then checks, then hashing and storing, as fractions of the whole.
    private const double DownloadShare = 0.7;
    private const double CheckEndRemote = 0.95;
    private const double CheckEndLocal = 0.8;

    /// <summary>Container (ffprobe's first format name) → extensions that fit it, the first being the default.</summary>
    private static readonly Dictionary<string, string[]> Extensions = new(StringComparer.Ordinal)
    {
        ["mov"] = ["mp4", "mov", "m4v", "3gp", "3g2"],
        ["matroska"] = ["mkv", "webm"],
        ["avi"] = ["avi"],
        ["flv"] = ["flv"],
        ["mpegts"] = ["ts", "mts", "m2ts"],
        ["mpeg"] = ["mpg", "mpeg", "vob"],
        ["asf"] = ["wmv", "asf"],
        ["ogg"] = ["ogv", "ogg"],
    };

    private readonly IBlobStore blobs;
    private readonly FetchOptions options;
    private readonly UrlGuard guard;
    private readonly HttpDownloader http;
    private readonly SourceValidator validator;
    private readonly SourceNormaliser normaliser;
    private readonly YtDlp ytDlp;
    private readonly HlsFetch hls;
    private readonly DashFetch dash;

    /// <param name="blobs">Where sources go.</param>
    /// <param name="options">The operator's limits; copied, so later changes to it have no effect.</param>
    /// <param name="handler">
    /// An HTTP handler of one's own. If it is (or wraps) a <see cref="SocketsHttpHandler"/>, that handler's
    /// redirect, proxy and connect settings are taken over so that addresses are checked at connect time; any
    /// other handler only gets the weaker check before each request. Not disposed by the fetcher.
    /// </param>
    public Fetcher(IBlobStore blobs, FetchOptions options, HttpMessageHandler? handler = null)
    {
        this.blobs = blobs ?? throw new ArgumentNullException(nameof(blobs));
        this.options = (options ?? throw new ArgumentNullException(nameof(options))).Clone().Validate();
        guard = new UrlGuard(this.options);
        http = new HttpDownloader(this.options, guard, handler);
        validator = new SourceValidator(this.options);
        normaliser = new SourceNormaliser(this.options);
        ytDlp = new YtDlp(this.options);
        hls = new HlsFetch(http, this.options);
        dash = new DashFetch(http, this.options);
    }

    public async Task<FetchedSource> FetchAsync(FetchRequest request, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (double.IsNaN(request.MinDurationSeconds) || request.MinDurationSeconds < 0)
        {
            throw new ClipperException(ErrorCode.BadOption, $"the minimum duration must not be negative, got {request.MinDurationSeconds}");
        }

        var input = (request.Input ?? "").Trim();
        if (input.Length == 0)
        {
            throw new ClipperException(ErrorCode.BadOption, "no input: give a video file or an http(s) URL");
        }

        var progress = new FetchProgress(request.Progress);
        try
        {
            if (input.StartsWith(BlobLayout.InputPrefix, StringComparison.Ordinal))
            {
                return await FetchUploadAsync(input[BlobLayout.InputPrefix.Length..], request, progress, cancel).ConfigureAwait(false);
            }

            if (input.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            {
                return await FetchLocalAsync(FileUriPath(input), request, progress, cancel).ConfigureAwait(false);
            }

            if (UrlLike().IsMatch(input) && !ExistsLocally(input))
            {
                return await FetchRemoteAsync(input, request, progress, cancel).ConfigureAwait(false);
            }

            return await FetchLocalAsync(LocalPath(input), request, progress, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancel.IsCancellationRequested)
        {
            throw new ClipperException(ErrorCode.Cancelled, $"fetching {input} was cancelled", inner: e);
        }
    }

    /// <summary>
    /// Checks a local file as the fetch stage will (size, container, streams, length, silence) without storing it:
    /// lets a gateway refuse a bad upload at once. Throws a permanent <see cref="ClipperException"/>.
    /// </summary>
    public Task<MediaInfo> CheckFileAsync(string file, double minDurationSeconds, CancellationToken cancel = default) =>
        validator.ValidateAsync(file, minDurationSeconds, _ => { }, cancel);

    /// <summary>
    /// Checks an http(s) URL's form and the addresses its host resolves to now (the download checks again at connect
    /// time), and that a link to a page could be read at all: without a yt-dlp to run it is refused here, as the fetch
    /// would refuse it. What the site says about the video (private, live, too long) is learnt only by the fetch.
    /// </summary>
    public async Task CheckUrlAsync(string url, CancellationToken cancel = default)
    {
        await guard.CheckAsync(url, cancel).ConfigureAwait(false);
        var uri = guard.CheckUrl(url);
        if (!LooksLikeMediaFile(uri))
        {
            if (string.IsNullOrWhiteSpace(options.YtDlp))
            {
                RefuseYouTubeWithoutYtDlp(uri);
            }
            else if (!ytDlp.CanRun())
            {
                throw ytDlp.Missing(uri);
            }
        }
    }

    /// <summary>Whether links to pages can be read: a yt-dlp is configured and there to run (a start-up warning says so when not).</summary>
    public bool CanReadPages => ytDlp.CanRun();

    public void Dispose() => http.Dispose();

    /// <summary>An extension that fits the container ffprobe saw, keeping the original one when it fits too.</summary>
    internal static string ExtensionFor(string fileName, MediaInfo media)
    {
        var given = ExtensionOf(fileName) ?? "";
        var first = media.FormatName.Split(',')[0].Trim().ToLowerInvariant();
        if (Extensions.TryGetValue(first, out var fitting))
        {
            return fitting.Contains(given) ? given : fitting[0];
        }

        if (SafeExtension().IsMatch(given))
        {
            return given;
        }

        var cleaned = NotAlphanumeric().Replace(first, "");
        return cleaned.Length == 0 ? "video" : cleaned[..Math.Min(8, cleaned.Length)];
    }

    /// <summary>
    /// An input naming an upload a gateway put in blob storage ("blob:uploads/JOB/FILE", see <see cref="BlobLayout"/>),
    /// so that whichever silo runs the fetch can read it. Only uploads are taken. A store that keeps the upload as a
    /// local file lends it as it is (it is only read); from any other the fetch works on a copy.
    /// </summary>
    private async Task<FetchedSource> FetchUploadAsync(string key, FetchRequest request, FetchProgress progress, CancellationToken cancel)
    {
        if (!BlobLayout.IsUpload(key))
        {
            throw new ClipperException(ErrorCode.UnsupportedUrl, $"only uploads can be read from blob storage, not {key}");
        }

        string local;
        try
        {
            local = Path.Combine(request.WorkDir, Path.GetFileName(BlobKeys.Check(key)));
        }
        catch (ArgumentException e)
        {
            throw new ClipperException(ErrorCode.UnsupportedUrl, e.Message, inner: e);
        }

        if (blobs.TryGetLocalPath(key, out var stored) && File.Exists(stored))
        {
            return await FetchLocalAsync(stored, request, progress, cancel).ConfigureAwait(false);
        }

        await blobs.DownloadAsync(key, local, cancel).ConfigureAwait(false);
        try
        {
            return await FetchLocalAsync(local, request, progress, cancel).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(local);
        }
    }

    private async Task<FetchedSource> FetchLocalAsync(string file, FetchRequest request, FetchProgress progress, CancellationToken cancel)
    {
        var path = file;
        if (Directory.Exists(path))
        {
            throw new ClipperException(ErrorCode.NotAVideo, $"{path} is a directory, not a video");
        }

        if (!File.Exists(path))
        {
            throw new ClipperException(ErrorCode.SourceNotFound, $"no such file: {path}{UrlHint(request.Input)}");
        }

        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ClipperException(ErrorCode.NotAVideo, $"the file {path} cannot be read ({Reason(e)})", inner: e);
        }

        var media = await validator.ValidateAsync(path, request.MinDurationSeconds, progress.Range(0, CheckEndLocal), cancel).ConfigureAwait(false);
        var sha = await Sha256Async(path, cancel).ConfigureAwait(false);
        var name = Path.GetFileName(path);
        (var seekable, media) = await normaliser.SeekableAsync(path, media, request.WorkDir, cancel).ConfigureAwait(false);
        var key = await StoreSourceAsync(seekable, sha, ExtensionFor(name, media), cancel).ConfigureAwait(false);
        var captions = await StoreSideCarCaptionsAsync(path, sha, cancel).ConfigureAwait(false);
        progress.Report(1.0);
        return new FetchedSource(key, sha, media, name, captions, request.Input);
    }

    private async Task<FetchedSource> FetchRemoteAsync(string input, FetchRequest request, FetchProgress progress, CancellationToken cancel)
    {
        // Refuse what can be refused without touching the disk or the network.
        var url = guard.CheckUrl(input);
        if (!LooksLikeMediaFile(url))
        {
            // a link to a page (YouTube, Vimeo, a page with a video): yt-dlp says what is behind it, unless it has no
            // extractor for it, when the link is fetched as a file
            if (await ResolvePageAsync(url, cancel).ConfigureAwait(false) is { } platform)
            {
                return await FetchPlatformAsync(platform, request, progress, cancel).ConfigureAwait(false);
            }
        }

        var name = DisplayName(url);
        string? part = null;
        try
        {
            var ext = ExtensionOf(name) is { } e && SafeExtension().IsMatch(e) ? e : "part";
            try
            {
                Directory.CreateDirectory(request.WorkDir);
                part = Path.Combine(request.WorkDir, $"fetch-{Guid.NewGuid():N}.{ext}");
            }
            catch (Exception x) when (x is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new ClipperException(ErrorCode.StorageFailed, $"cannot use the work directory {request.WorkDir}: {x.Message}", inner: x);
            }

            var download = await http.DownloadAsync(url, part, progress.Range(0, DownloadShare), cancel).ConfigureAwait(false);
            var media = await validator.ValidateAsync(part, request.MinDurationSeconds, progress.Range(DownloadShare, CheckEndRemote), cancel)
                .ConfigureAwait(false);
            (var seekable, media) = await normaliser.SeekableAsync(part, media, request.WorkDir, cancel).ConfigureAwait(false);
            var key = await StoreSourceAsync(seekable, download.Sha256, ExtensionFor(name, media), cancel).ConfigureAwait(false);
            progress.Report(1.0);
            return new FetchedSource(key, download.Sha256, media, name, null, request.Input);
        }
        finally
        {
            if (part is not null)
            {
                DeleteQuietly(part);
            }
        }
    }

    /// <summary>What yt-dlp finds behind a page, or null when it has no extractor for it (or is switched off for other sites).</summary>
    private async Task<PlatformMedia?> ResolvePageAsync(Uri url, CancellationToken cancel)
    {
        if (string.IsNullOrWhiteSpace(options.YtDlp))
        {
            RefuseYouTubeWithoutYtDlp(url);
            return null;
        }

        // yt-dlp connects by itself: the page's host is checked here, once, as every media byte is at connect time
        await guard.CheckAsync(url, cancel).ConfigureAwait(false);
        return await ytDlp.ResolveAsync(url, cancel).ConfigureAwait(false);
    }

    private static void RefuseYouTubeWithoutYtDlp(Uri url)
    {
        if (UrlGuard.IsYouTube(url.IdnHost.ToLowerInvariant()))
        {
            throw new ClipperException(ErrorCode.UnsupportedUrl, $"{UrlGuard.Show(url)} is a YouTube page, and links to pages are "
                + "switched off here (Clipper:Fetch:YtDlp is empty): give the video file or a direct link to it");
        }
    }

    /// <summary>
    /// A video from a site: each chosen stream downloaded by Clipper's guarded client (so every byte and redirect obeys
    /// the address rules), merged by ffmpeg when video and audio come apart, then checked and stored like any source.
    /// The name is the site's title.
    /// </summary>
    private async Task<FetchedSource> FetchPlatformAsync(PlatformMedia media, FetchRequest request, FetchProgress progress, CancellationToken cancel)
    {
        if (media.Streams.FirstOrDefault(s => !s.IsPlain && !HlsFetch.Handles(s) && !DashFetch.Handles(s)) is { } fragmented)
        {
            throw new ClipperException(ErrorCode.UnsupportedUrl, $"{UrlGuard.Show(new Uri(media.PageUrl))} is served as {fragmented.Protocol} "
                + "fragments, which Clipper does not fetch (it fetches plain files, HLS and DASH itself, so that every byte obeys the address "
                + "rules, and never lets yt-dlp download): download the video yourself and give Clipper the file");
        }

        Directory.CreateDirectory(request.WorkDir);
        var parts = new List<string>();
        try
        {
            var share = DownloadShare / media.Streams.Count;
            for (int i = 0; i < media.Streams.Count; i++)
            {
                parts.Add(await DownloadStreamAsync(media.Streams[i], request.WorkDir, progress.Range(i * share, (i + 1) * share), cancel)
                    .ConfigureAwait(false));
            }

            string file = parts[0];
            if (parts.Count > 1)
            {
                // video and audio as the site keeps them, side by side in one container without re-encoding; -copyts keeps
                // each stream's own timestamps, so an audio stream that starts after its video stays that much later (ffmpeg
                // would otherwise start each input at 0 and put the sound early against the picture)
                file = Path.Combine(request.WorkDir, $"fetch-{Guid.NewGuid():N}.mkv");
                parts.Add(file);
                var video = media.Streams.Select((s, i) => (s, i)).FirstOrDefault(x => x.s.HasVideo).i;
                var audio = media.Streams.Select((s, i) => (s, i)).LastOrDefault(x => x.s.HasAudio && x.i != video).i;
                await ProcessRunner.RunCheckedAsync(
                    ["ffmpeg", "-nostdin", "-v", "error", "-y", "-copyts", "-i", parts[video], "-i", parts[audio],
                     "-map", "0:v:0", "-map", "1:a:0", "-c", "copy", file], options.CheckTimeout, cancel).ConfigureAwait(false);
            }

            var checkedMedia = await validator.ValidateAsync(file, request.MinDurationSeconds, progress.Range(DownloadShare, CheckEndRemote), cancel)
                .ConfigureAwait(false);
            var sha = await Sha256Async(file, cancel).ConfigureAwait(false);
            var name = Title(media.Title) + "." + ExtensionFor(file, checkedMedia);
            // HLS segments join into an MPEG transport stream: rewrapped for exact seeking, as a local or downloaded file is
            (var seekable, checkedMedia) = await normaliser.SeekableAsync(file, checkedMedia, request.WorkDir, cancel).ConfigureAwait(false);
            if (seekable != file)
            {
                parts.Add(seekable);
            }

            var key = await StoreSourceAsync(seekable, sha, ExtensionFor(seekable, checkedMedia), cancel).ConfigureAwait(false);
            var captions = media.Subtitle is { } subtitle
                ? await StoreSiteSubtitlesAsync(subtitle, sha, checkedMedia.DurationSeconds, request.WorkDir, cancel).ConfigureAwait(false)
                : null;
            progress.Report(1.0);
            return new FetchedSource(key, sha, checkedMedia, name, captions, request.Input, media.Info);
        }
        finally
        {
            parts.ForEach(DeleteQuietly);
        }
    }

    /// <summary>
    /// One stream of a site's video into a file of the work directory, by Clipper's guarded client: a plain file in one
    /// request, HLS and DASH segment by segment. Returns the file (its extension says what it holds).
    /// </summary>
    private async Task<string> DownloadStreamAsync(PlatformStream stream, string workDir, Action<double> progress, CancellationToken cancel)
    {
        var part = Path.Combine(workDir, $"fetch-{Guid.NewGuid():N}.{SafeOr(stream.Extension)}");
        if (HlsFetch.Handles(stream))
        {
            // HLS: the playlist and every segment through the guarded client, joined in order; the joined file's
            // extension says what the segments were (MPEG-TS or fMP4)
            var joined = Path.Combine(workDir, $"fetch-{Guid.NewGuid():N}.part");
            try
            {
                var ext = await hls.DownloadAsync(stream, joined, workDir, progress, cancel).ConfigureAwait(false);
                part = Path.ChangeExtension(joined, ext);
                File.Move(joined, part);
                return part;
            }
            finally
            {
                DeleteQuietly(joined);
            }
        }

        try
        {
            if (DashFetch.Handles(stream))
            {
                // DASH: the segments yt-dlp listed from the manifest, each through the guarded client, joined in order
                await dash.DownloadAsync(stream, part, workDir, progress, cancel).ConfigureAwait(false);
            }
            else
            {
                await http.DownloadAsync(stream.Url, part, progress, cancel, stream.Headers).ConfigureAwait(false);
            }
        }
        catch
        {
            DeleteQuietly(part);
            throw;
        }

        return part;

        static string SafeOr(string ext) => SafeExtension().IsMatch(ext) ? ext : "part";
    }

    /// <summary>
    /// The audio of a link to a page, ahead of its video: when the site keeps the two apart (the best formats a video
    /// stream and an audio stream, as YouTube's and DASH's are), the audio stream alone is fetched by the guarded client
    /// and stored under its own hash (<see cref="BlobLayout.StreamAudio"/>), so that recognition can start on it while
    /// <see cref="FetchAsync"/> downloads the video. Otherwise (a file, a link to a media file, a single progressive
    /// format, the site's own subtitles as the transcript, switched off) it says why not and stores nothing. The page's
    /// refusals (<see cref="ErrorCode.VideoUnavailable"/>, …) are thrown as by <see cref="FetchAsync"/>.
    /// </summary>
    public async Task<AudioAhead> FetchAudioAsync(FetchRequest request, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var input = (request.Input ?? "").Trim();
        if (!options.AudioFirst)
        {
            return AudioAhead.Not("switched off (Clipper:Fetch:AudioFirst=false)");
        }

        if (input.StartsWith(BlobLayout.InputPrefix, StringComparison.Ordinal) || !UrlLike().IsMatch(input) || ExistsLocally(input)
            || input.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return AudioAhead.Not("not a link: a file's audio is read once it is stored");
        }

        var url = guard.CheckUrl(input);
        if (LooksLikeMediaFile(url))
        {
            return AudioAhead.Not("a link to a media file: its audio is read once the whole file is downloaded");
        }

        if (string.IsNullOrWhiteSpace(options.YtDlp))
        {
            return AudioAhead.Not("links to pages are switched off (Clipper:Fetch:YtDlp is empty)");
        }

        var progress = new FetchProgress(request.Progress);
        try
        {
            if (await ResolvePageAsync(url, cancel).ConfigureAwait(false) is not { } media)
            {
                return AudioAhead.Not("yt-dlp reads the link as a file: its audio is read once the whole file is downloaded");
            }

            if (media.Subtitle is not null)
            {
                return AudioAhead.Not("the site's own subtitles are the transcript: nothing to recognise ahead");
            }

            var audio = media.Streams.Count > 1 ? media.Streams.LastOrDefault(s => s.HasAudio && !s.HasVideo) : null;
            if (audio is null)
            {
                var one = media.Streams[0];
                return AudioAhead.Not($"the site offers video and audio only together (one {one.Protocol} {one.Extension} file): "
                    + "recognition starts once it is downloaded");
            }

            if (!audio.IsPlain && !HlsFetch.Handles(audio) && !DashFetch.Handles(audio))
            {
                return AudioAhead.Not($"the audio is served as {audio.Protocol} fragments, which Clipper does not fetch");
            }

            Directory.CreateDirectory(request.WorkDir);
            var part = await DownloadStreamAsync(audio, request.WorkDir, progress.Range(0, 0.95), cancel).ConfigureAwait(false);
            try
            {
                // what the split cannot decode is left to the merged path, where the source's checks give their codes
                if (await Probe.ProbeAsync(part, cancel, timing: false).ConfigureAwait(false) is not { HasAudio: true, DurationSeconds: > 0 })
                {
                    return AudioAhead.Not("the audio stream holds no sound ffprobe can read: the merged source is checked instead");
                }

                var sha = await Sha256Async(part, cancel).ConfigureAwait(false);
                var bytes = new FileInfo(part).Length;
                var key = BlobLayout.StreamAudio(sha, ExtensionOf(part) ?? "audio");
                if (!await blobs.ExistsAsync(key, cancel).ConfigureAwait(false))
                {
                    await blobs.PutFileAsync(key, part, cancel).ConfigureAwait(false);
                }

                progress.Report(1.0);
                return new AudioAhead(new FetchedAudio(key, sha, bytes, media.Info), null);
            }
            finally
            {
                DeleteQuietly(part);
            }
        }
        catch (OperationCanceledException e) when (cancel.IsCancellationRequested)
        {
            throw new ClipperException(ErrorCode.Cancelled, $"fetching the audio of {input} was cancelled", inner: e);
        }
    }

    /// <summary>
    /// The site's subtitles stored as the source's side-car captions (so the transcribe stage takes them as the
    /// transcript), fetched by Clipper's guarded client like every other byte from the site. Subtitles that cannot be
    /// fetched, are too big, are not captions, or are automatic captions too sparse to be speech are left out: the
    /// recogniser runs instead, the video is not refused for them.
    /// </summary>
    private async Task<string?> StoreSiteSubtitlesAsync(PlatformSubtitle subtitle, string sha, double durationSeconds, string workDir,
        CancellationToken cancel)
    {
        var part = Path.Combine(workDir, $"subtitles-{Guid.NewGuid():N}.{subtitle.Extension}");
        try
        {
            await http.DownloadAsync(subtitle.Url, part, _ => { }, cancel, subtitle.Headers).ConfigureAwait(false);
            if (new FileInfo(part).Length > options.MaxCaptionBytes)
            {
                return null;
            }

            var bytes = await File.ReadAllBytesAsync(part, cancel).ConfigureAwait(false);
            var text = Encoding.UTF8.GetString(bytes);
            if (!text.Contains("-->", StringComparison.Ordinal)
                || (subtitle.Automatic && SiteSubtitles.WordsPerMinute(text, durationSeconds) < options.MinAutoCaptionWordsPerMinute))
            {
                return null;
            }

            // the track's language stays in the name (sources/SHA.de.vtt), where the caption reader finds it
            var key = BlobLayout.Captions(sha, (Languages.Code(subtitle.Language) is { } lang ? "." + lang : "") + "." + subtitle.Extension);
            await blobs.PutBytesAsync(key, bytes, cancel).ConfigureAwait(false);
            return key;
        }
        catch (ClipperException e) when (e.Code is not ErrorCode.Cancelled and not ErrorCode.StorageFailed)
        {
            return null;
        }
        finally
        {
            DeleteQuietly(part);
        }
    }

    /// <summary>Whether the link names a media file by its extension (fetched by Clipper's own client without asking yt-dlp).</summary>
    private static bool LooksLikeMediaFile(Uri url) =>
        ExtensionOf(DisplayName(url)) is { } ext && (Extensions.Values.Any(e => e.Contains(ext)) || ext is "m4a" or "mp3" or "wav");

    /// <summary>A site's title as a file name: no path or control characters, at most 100 characters.</summary>
    private static string Title(string title)
    {
        var clean = new string([.. title.Select(c => char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? ' ' : c)]).Trim();
        clean = clean.Length > 100 ? clean[..100].TrimEnd() : clean;
        return clean.Length == 0 ? "video" : clean;
    }

    /// <summary>Stores the source unless a blob with the same content is already there (same hash, same bytes).</summary>
    private async Task<string> StoreSourceAsync(string file, string sha, string extension, CancellationToken cancel)
    {
        var key = BlobLayout.Source(sha, extension);
        if (!await blobs.ExistsAsync(key, cancel).ConfigureAwait(false))
        {
            await blobs.PutFileAsync(key, file, cancel).ConfigureAwait(false);
        }

        return key;
    }

    /// <summary>
    /// Looks beside a local video for captions: VIDEO.srt, VIDEO.vtt (the whole name plus a suffix), then the same
    /// stem (video.mp4 → video.srt, video.vtt), then the stem with a language (video.de.vtt). The first that is a
    /// plausible caption file is stored, its language kept in the stored name (sources/SHA.de.vtt).
    /// </summary>
    private async Task<string?> StoreSideCarCaptionsAsync(string video, string sha, CancellationToken cancel)
    {
        var name = Path.GetFileName(video);
        var dir = Path.GetDirectoryName(video) ?? ".";
        int dot = name.LastIndexOf('.');
        var stem = dot > 0 ? name[..dot] : name;
        var tagged = new[] { ".vtt", ".srt" }.SelectMany(ext => SafeList(() => Directory.EnumerateFiles(dir, stem + ".*" + ext)))
            .Select(Path.GetFileName).OfType<string>().Where(f => LanguageTag(f) is not null).Order(StringComparer.Ordinal);
        foreach (var candidate in new[] { name + ".srt", name + ".vtt", stem + ".srt", stem + ".vtt" }.Concat(tagged).Distinct())
        {
            var file = Path.Combine(dir, candidate);
            if (!File.Exists(file))
            {
                continue;
            }

            byte[] bytes;
            try
            {
                if (new FileInfo(file).Length > options.MaxCaptionBytes)
                {
                    continue; // too big to be captions of one talk
                }

                bytes = await File.ReadAllBytesAsync(file, cancel).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // unreadable captions are no reason to refuse the video
            }

            if (!Encoding.UTF8.GetString(bytes).Contains("-->", StringComparison.Ordinal))
            {
                continue; // no cue timings: notes, not captions
            }

            var key = BlobLayout.Captions(sha, (LanguageTag(candidate) is { } lang ? "." + lang : "") + Path.GetExtension(candidate));
            // Always written: the same video may come with corrected captions.
            await blobs.PutBytesAsync(key, bytes, cancel).ConfigureAwait(false);
            return key;
        }

        return null;

        // the language between a caption file's stem and its extension (talk.de.vtt), if it is one
        static string? LanguageTag(string file) =>
            file.Split('.') is { Length: >= 3 } parts && parts[^2].Length is >= 2 and <= 7 ? Languages.Code(parts[^2]) : null;

        static IEnumerable<string> SafeList(Func<IEnumerable<string>> list)
        {
            try
            {
                return list().ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return []; // an unreadable directory holds no captions
            }
        }
    }

    private static async Task<string> Sha256Async(string file, CancellationToken cancel)
    {
        try
        {
            await using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20, useAsync: true);
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(input, cancel).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClipperException(ErrorCode.NotAVideo, $"cannot read {file}: {e.Message}", inner: e);
        }
    }

    private static string? ExtensionOf(string fileName)
    {
        int dot = fileName.LastIndexOf('.');
        return dot <= 0 || dot == fileName.Length - 1 ? null : fileName[(dot + 1)..].ToLowerInvariant();
    }

    private static string DisplayName(Uri url)
    {
        var path = Uri.UnescapeDataString(url.AbsolutePath).TrimEnd('/');
        var last = path[(path.LastIndexOf('/') + 1)..];
        return string.IsNullOrWhiteSpace(last) ? url.Host : last;
    }

    private static string FileUriPath(string input)
    {
        if (Uri.TryCreate(input, UriKind.Absolute, out var uri) && uri.IsFile && (uri.Host.Length == 0 || uri.IsLoopback))
        {
            return Path.GetFullPath(uri.LocalPath);
        }

        throw new ClipperException(ErrorCode.UnsupportedUrl, $"'{input}' is not a valid file: URI (use file:///absolute/path)");
    }

    private static string LocalPath(string input)
    {
        try
        {
            return Path.GetFullPath(input);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ClipperException(ErrorCode.SourceNotFound, $"no such file: {input} ({e.Message})", inner: e);
        }
    }

    /// <summary>A file whose name merely looks like "scheme:..." is still a file.</summary>
    private static bool ExistsLocally(string input)
    {
        try
        {
            return File.Exists(input) || Directory.Exists(input);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or IOException)
        {
            return false;
        }
    }

    private static string UrlHint(string input)
    {
        var s = input.Trim().ToLowerInvariant();
        return s.StartsWith("www.", StringComparison.Ordinal) || s.Contains(".com/", StringComparison.Ordinal) || s.StartsWith("youtu", StringComparison.Ordinal)
            ? " (for a URL, include http:// or https://)"
            : "";
    }

    private static void DeleteQuietly(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the work directory is removed with the unit of work anyway
        }
    }

    private static string Reason(Exception e) => e is UnauthorizedAccessException ? "permission denied" : e.Message;

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.\-]+:", RegexOptions.CultureInvariant)]
    private static partial Regex UrlLike();

    [GeneratedRegex("^[a-z0-9]{1,8}$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeExtension();

    [GeneratedRegex("[^a-z0-9]", RegexOptions.CultureInvariant)]
    private static partial Regex NotAlphanumeric();
}
