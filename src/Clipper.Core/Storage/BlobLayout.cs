namespace Clipper.Core.Storage;

/// <summary>
/// Where everything of a job lives in blob storage; the one place that spells the keys:
/// <list type="bullet">
/// <item><c>uploads/&lt;job&gt;/&lt;file&gt;</c>: an uploaded source until the job has stored it (the job's input is then
/// <c>blob:uploads/&lt;job&gt;/&lt;file&gt;</c>).</item>
/// <item><c>sources/&lt;sha256&gt;.&lt;ext&gt;</c>: a fetched source by content, side-car captions beside it
/// (<c>sources/&lt;sha256&gt;.srt|vtt</c>).</item>
/// <item><c>transcripts/&lt;sha256&gt;[-captions].json</c>: a transcript cached by source identity.</item>
/// <item><c>jobs/&lt;job&gt;/crop/clip-NN.json</c>: a clip's crop path.</item>
/// <item><c>jobs/&lt;job&gt;/crop/clip-NN/WxH.json</c>: the crop path of a clip's extra rendition (ratio W:H, "1x1").</item>
/// <item><c>jobs/&lt;job&gt;/clip-NN.mp4|srt|vtt|jpg</c>: a clip's files.</item>
/// <item><c>jobs/&lt;job&gt;/clip-NN/WxH.mp4|jpg</c>: an extra rendition's video and thumbnail (its captions are the clip's).</item>
/// <item><c>jobs/&lt;job&gt;/llm-audit.json</c>: the LLM ranking's exact request and response, the key taken out.</item>
/// <item><c>llm-cache/&lt;sha256&gt;.json</c>: an LLM ranking's answer by (transcript, candidates, model, prompt).</item>
/// </list>
/// </summary>
public static class BlobLayout
{
    /// <summary>A job input that names a blob rather than a file or a URL.</summary>
    public const string InputPrefix = "blob:";

    private const string UploadsPrefix = "uploads/";
    private const string JobsPrefix = "jobs/";

    /// <summary>An upload (the file name must be a plain name, see <see cref="BlobKeys.Check"/>).</summary>
    public static string Upload(string jobId, string fileName) => $"{UploadsPrefix}{jobId}/{fileName}";

    public static bool IsUpload(string key) => key.StartsWith(UploadsPrefix, StringComparison.Ordinal);

    /// <summary>The job input that names a blob: "blob:KEY".</summary>
    public static string Input(string key) => InputPrefix + key;

    /// <summary>The upload a job input names ("blob:uploads/…"), if it names one.</summary>
    public static bool TryGetUpload(string? input, out string key)
    {
        key = "";
        if (input is null || !input.StartsWith(InputPrefix, StringComparison.Ordinal) || !IsUpload(input[InputPrefix.Length..]))
        {
            return false;
        }

        key = input[InputPrefix.Length..];
        return true;
    }

    /// <summary>A source by content; <paramref name="extension"/> with or without its dot.</summary>
    public static string Source(string sha256, string extension) => $"sources/{sha256}.{extension.TrimStart('.')}";

    /// <summary>Side-car captions of a source ("srt" or "vtt", with or without the dot).</summary>
    public static string Captions(string sha256, string extension) => Source(sha256, extension);

    /// <summary>
    /// The transcript of a source; one made from side-car captions is kept apart from a recognised one, and one by an
    /// engine other than the default (<paramref name="engine"/> "openai", say) apart from pocketsphinx's.
    /// </summary>
    public static string Transcript(string sha256, bool fromCaptions, string? engine = null) =>
        $"transcripts/{sha256}{Variant(fromCaptions, engine)}.json";

    /// <summary>
    /// One chunk's words, [start, end) seconds of a source, by the engine whose transcripts are cached as
    /// <paramref name="variant"/>: kept with the source's transcripts, so another job of the same video, or the same job
    /// after a silo died, does not recognise the chunk again.
    /// </summary>
    public static string TranscriptChunk(string sha256, string variant, double start, double end) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"transcripts/chunks/{sha256}-{variant}/{start:0.000}-{end:0.000}.json");

    /// <summary>
    /// A source's audio as the recogniser hears it (16 kHz mono FLAC, written by the split unit): chunk units on other
    /// silos copy this, a few percent of the video's bytes, instead of the source.
    /// </summary>
    public static string SpeechAudio(string sha256) => $"audio/{sha256}-16k.flac";

    /// <summary>
    /// A site's audio stream as it came, fetched ahead of its video (<c>fetch-audio</c>) and named by its own content hash:
    /// the split unit decodes it while the video still downloads.
    /// </summary>
    public static string StreamAudio(string sha256, string extension) => $"audio/{sha256}.{extension.TrimStart('.')}";

    /// <summary>"-captions", "-ENGINE" for a recogniser other than pocketsphinx, or nothing (the keys stored before engines were chosen).</summary>
    private static string Variant(bool fromCaptions, string? engine) =>
        fromCaptions ? "-captions" : engine is null or "pocketsphinx" ? "" : "-" + engine;

    /// <summary>
    /// The transcript of a site's video by the site's own id (so a second download of the same video, whatever its
    /// bytes, is not transcribed again): transcripts/sites/EXTRACTOR/ID.json. An id that is not plain letters, digits,
    /// '-' and '_' (up to 64) is named by its SHA-256.
    /// </summary>
    public static string SiteTranscript(string extractor, string videoId, bool fromCaptions, string? engine = null)
    {
        static string Part(string s) =>
            s.Length is > 0 and <= 64 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
                ? s
                : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(s)));
        return $"transcripts/sites/{Part(extractor.ToLowerInvariant())}/{Part(videoId)}{Variant(fromCaptions, engine)}.json";
    }

    /// <summary>"clip-01": the file stem of a clip's outputs.</summary>
    public static string ClipStem(int index) => $"clip-{index:00}";

    public static string Crop(string jobId, int clipIndex) => $"{JobsPrefix}{jobId}/crop/{ClipStem(clipIndex)}.json";

    public static ClipKeys Clip(string jobId, int clipIndex) => new($"{JobsPrefix}{jobId}/{ClipStem(clipIndex)}");

    /// <summary>The crop path of a clip's extra rendition; <paramref name="ratio"/> as "1:1" (or "1x1").</summary>
    public static string RenditionCrop(string jobId, int clipIndex, string ratio) =>
        $"{JobsPrefix}{jobId}/crop/{ClipStem(clipIndex)}/{RatioName(ratio)}.json";

    /// <summary>A clip's extra rendition: <c>jobs/&lt;job&gt;/clip-NN/1x1</c> plus .mp4 and .jpg.</summary>
    public static ClipKeys Rendition(string jobId, int clipIndex, string ratio) =>
        new($"{JobsPrefix}{jobId}/{ClipStem(clipIndex)}/{RatioName(ratio)}");

    /// <summary>"1x1" for the ratio "1:1": a ratio as a file name.</summary>
    public static string RatioName(string ratio) => ratio.Replace(':', 'x');

    /// <summary>The job's LLM ranking audit: the exact request and response, the verdicts and the outcome.</summary>
    public static string LlmAudit(string jobId) => $"{JobsPrefix}{jobId}/llm-audit.json";

    /// <summary>A cached LLM ranking answer by the hash of what was asked.</summary>
    public static string LlmCache(string sha256) => $"llm-cache/{sha256}.json";

    /// <summary>True for a job's outputs (what the pages may serve).</summary>
    public static bool IsJobOutput(string key) => key.StartsWith(JobsPrefix, StringComparison.Ordinal);
}

/// <summary>A clip's files: <c>jobs/&lt;job&gt;/clip-NN</c> plus .mp4, .srt, .vtt and .jpg.</summary>
public readonly record struct ClipKeys(string Prefix)
{
    public string Video => Prefix + ".mp4";

    public string Srt => Prefix + ".srt";

    public string Vtt => Prefix + ".vtt";

    public string Thumbnail => Prefix + ".jpg";
}
