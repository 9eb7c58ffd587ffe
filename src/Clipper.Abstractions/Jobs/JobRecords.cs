using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Errors;
using ErrorCode = Clipper.Core.Errors.ErrorCode;

namespace Clipper.Abstractions.Jobs;

// Wire and storage records. Never reorder or reuse a field (positional parameters keep their order as ids).

/// <summary>
/// What the user asked for: the serializable twin of <see cref="ClipOptions"/>, plus the job's own choice of
/// speech-to-text engine (<see cref="Asr"/>), ranking (<see cref="Rank"/>), spoken language
/// (<see cref="Language"/>, ISO 639-1), caption preset (<see cref="Captions"/>) and layout (<see cref="Layout"/>: auto,
/// single or fit; <c>ClipLayouts</c>), each null for the operator's default (auto for the layout). The output size
/// carries the aspect ratio (<see cref="AspectRatio"/> resolves a named ratio to it at submission).
/// <see cref="HookTitle"/> is how many seconds the clip's title is drawn at the start of each clip (the hook title
/// overlay), null for none. <see cref="Extras"/> are the output sizes of the extra renditions asked for beside the main
/// one (<c>--ratio 9:16,1:1</c>: one tracking pass, one more encode per size), null for none.
/// Those came later, last and with defaults, so settings stored before them still load; <see cref="JobChoices.Check"/>
/// checks them.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.ClipSettings")]
public sealed record ClipSettings(int MaxClips, double MinSeconds, double MaxSeconds, int Width, int Height, string? Asr = null,
    string? Rank = null, string? Language = null, string? Captions = null, string? Layout = null, double? HookTitle = null, SizeList? Extras = null)
{
    /// <summary>The hook title's length when <c>--hook</c> is given without one.</summary>
    public const double DefaultHookSeconds = 3;

    public static ClipSettings From(ClipOptions o) => new(o.MaxClips, o.MinSeconds, o.MaxSeconds, o.Width, o.Height);

    /// <summary>The extra renditions' sizes, none for a job that asked for one ratio (a method: grain storage writes properties).</summary>
    public IReadOnlyList<OutputSize> Renditions() => Extras?.Sizes ?? [];

    /// <summary>These settings for the sizes <c>AspectRatio.Sizes</c> resolved: the first the main size, the others extras.</summary>
    public ClipSettings WithSizes(IReadOnlyList<(int Width, int Height)> sizes) => this with
    {
        Width = sizes[0].Width,
        Height = sizes[0].Height,
        Extras = sizes.Count > 1 ? new SizeList([.. sizes.Skip(1).Select(s => new OutputSize(s.Width, s.Height))]) : null,
    };

    public ClipOptions ToOptions() => new(MaxClips, MinSeconds, MaxSeconds, Width, Height);

    /// <summary>These settings with the job's choices, checked (<see cref="JobChoices.Check"/>); empty means the default.</summary>
    public ClipSettings WithChoices(string? asr, string? rank, string? language, string? captions = null, string? layout = null) => JobChoices.Check(this with
    {
        Layout = ClipLayouts.Check(layout),
        Asr = string.IsNullOrWhiteSpace(asr) ? null : asr.Trim().ToLowerInvariant(),
        Rank = string.IsNullOrWhiteSpace(rank) ? null : rank.Trim().ToLowerInvariant(),
        Language = string.IsNullOrWhiteSpace(language) ? null : language.Trim().ToLowerInvariant(),
        Captions = string.IsNullOrWhiteSpace(captions) ? null : captions.Trim().ToLowerInvariant(),
    });
}

/// <summary>The per-job choices a submission may make, and their check.</summary>
public static class JobChoices
{
    /// <summary>The speech-to-text engines: the offline recogniser, local Whisper (a model file the operator names), the OpenAI API.</summary>
    public static readonly IReadOnlyList<string> Engines = ["pocketsphinx", "whisper", "openai"];

    /// <summary>The rankings: the offline heuristic, or the heuristic's proposals re-ranked by an LLM.</summary>
    public static readonly IReadOnlyList<string> Rankings = ["heuristic", "llm"];

    /// <summary>The caption presets (the encoder's <c>CaptionPresets</c>, which a test holds to this list).</summary>
    public static readonly IReadOnlyList<string> CaptionPresets = ["bold", "karaoke", "pop", "lower-third"];

    /// <summary>
    /// The settings when their choices are known values: an engine of <see cref="Engines"/>, a ranking of
    /// <see cref="Rankings"/>, a caption preset of <see cref="CaptionPresets"/>, a language as two or three lower-case letters (ISO 639-1, or 639-3 where 639-1 has none);
    /// else <see cref="ErrorCode.BadOption"/> naming the choice. Whether this cluster can run the choice is the job's
    /// check at submission.
    /// </summary>
    public static ClipSettings Check(ClipSettings s)
    {
        if (s.Asr is { } asr && !Engines.Contains(asr))
        {
            throw new ClipperException(ErrorCode.BadOption, $"asr must be one of {string.Join(", ", Engines)}, got '{asr}'");
        }

        if (s.Rank is { } rank && !Rankings.Contains(rank))
        {
            throw new ClipperException(ErrorCode.BadOption, $"rank must be one of {string.Join(", ", Rankings)}, got '{rank}'");
        }

        if (s.Captions is { } captions && !CaptionPresets.Contains(captions))
        {
            throw new ClipperException(ErrorCode.BadOption, $"captions must be one of {string.Join(", ", CaptionPresets)}, got '{captions}'");
        }

        if (s.Layout is { } layout)
        {
            ClipLayouts.Check(layout);
        }

        if (s.HookTitle is { } hook && !(hook >= 0.5 && hook <= 10))
        {
            throw new ClipperException(ErrorCode.BadOption, $"hook must be between 0.5 and 10 seconds, got {hook}");
        }

        var shapes = new List<string> { AspectRatio.NameOf(s.Width, s.Height) };
        foreach (var extra in s.Renditions())
        {
            var shape = AspectRatio.NameOf(extra.Width, extra.Height);
            if (extra.Width is < 64 or > 4096 || extra.Height is < 64 or > 4096 || extra.Width % 2 != 0 || extra.Height % 2 != 0)
            {
                throw new ClipperException(ErrorCode.BadOption, $"ratio {shape}: a rendition's size must be even and 64..4096 pixels, got {extra.Width}x{extra.Height}");
            }

            if (shapes.Contains(shape))
            {
                throw new ClipperException(ErrorCode.BadOption, $"ratio {shape} is asked twice");
            }

            shapes.Add(shape);
        }

        if (shapes.Count > AspectRatio.MaxRatios)
        {
            throw new ClipperException(ErrorCode.BadOption, $"ratio takes at most {AspectRatio.MaxRatios} ratios, got {shapes.Count}");
        }

        if (s.Language is { } lang && (lang.Length is < 2 or > 3 || !lang.All(c => c is >= 'a' and <= 'z')))
        {
            throw new ClipperException(ErrorCode.BadOption,
                $"language must be an ISO 639-1 code such as 'en' or 'de' (two or three letters), got '{lang}'");
        }

        return s;
    }
}

/// <summary>An output size in pixels.</summary>
[GenerateSerializer, Immutable, Alias("clipper.OutputSize")]
public sealed record OutputSize(int Width, int Height)
{
    /// <summary>"1:1": the ratio's name (a method: grain storage writes properties).</summary>
    public string Ratio() => AspectRatio.NameOf(Width, Height);
}

/// <summary>Output sizes, compared by value (a spec submitted again with the same ratios is the same spec).</summary>
[GenerateSerializer, Immutable, Alias("clipper.SizeList")]
public sealed record SizeList(OutputSize[] Sizes)
{
    public bool Equals(SizeList? other) => other is not null && Sizes.SequenceEqual(other.Sizes);

    public override int GetHashCode() => Sizes.Length;

    public override string ToString() => $"[{string.Join(", ", Sizes.Select(s => $"{s.Width}x{s.Height}"))}]";
}

/// <summary>
/// What a user submitted: the input (a path or URL), the clip options and the callback endpoints told of its events
/// (added last, with a default, so a spec stored before webhooks existed still loads, with none).
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.JobSpec")]
public sealed record JobSpec(string Input, ClipSettings Options, WebhookList? Webhooks = null)
{
    /// <summary>The endpoints, none when the job has no webhooks (a method: grain storage writes properties).</summary>
    public IReadOnlyList<Webhook> Endpoints() => Webhooks?.Endpoints ?? Array.Empty<Webhook>();
}

// Arrays, not IReadOnlyList: grain storage (JSON with type names) must be able to name the collection's type when it
// reads the state back, which it cannot for the compiler's own collection-expression types.

/// <summary>
/// A callback endpoint: its URL and the secrets (<c>whsec_…</c>) its events are signed with, several while a secret
/// is rotated. The secrets never show: not in <see cref="ToString"/>, logs, pages or errors.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.Webhook")]
public sealed record Webhook(string Url, string[] Secrets)
{
    public bool Equals(Webhook? other) =>
        other is not null && Url == other.Url && Secrets.SequenceEqual(other.Secrets);

    public override int GetHashCode() => HashCode.Combine(Url, Secrets.Length);

    public override string ToString() => $"Webhook {{ Url = {Url}, Secrets = {Secrets.Length} hidden }}";
}

/// <summary>A job's endpoints, compared by value (a spec submitted again with the same endpoints is the same spec).</summary>
[GenerateSerializer, Immutable, Alias("clipper.WebhookList")]
public sealed record WebhookList(Webhook[] Endpoints)
{
    public bool Equals(WebhookList? other) => other is not null && Endpoints.SequenceEqual(other.Endpoints);

    public override int GetHashCode() => Endpoints.Length;

    public override string ToString() => $"[{string.Join(", ", Endpoints)}]";
}

/// <summary>
/// A chosen clip (the serializable twin of <see cref="ScoredClip"/>). The publish metadata and the ranking's facts came
/// later, last and with defaults, so a plan stored before them still loads: <see cref="RankedBy"/> "heuristic" or
/// "llm", the heuristic's score and reason (always computed), the LLM's score and sub-scores (-1 when it did not judge
/// the clip); <see cref="Score"/> is the blend that ordered the clips.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.ClipPlan")]
public sealed record ClipPlan(int Index, double Start, double End, int Score, int Hook, int Completeness, int Density,
    int Emotion, string Reason, string Title, string Description = "", string[]? Hashtags = null, string RankedBy = "heuristic",
    int HeuristicScore = -1, string HeuristicReason = "", int LlmScore = -1, int LlmHook = -1, int LlmPayoff = -1,
    int LlmClarity = -1, int LlmShareability = -1)
{
    public static ClipPlan From(ScoredClip c) => new(c.Index, c.Start, c.End, c.Score, c.Scores.Hook,
        c.Scores.Completeness, c.Scores.Density, c.Scores.Emotion, c.Reason, c.Title, c.Description, [.. c.Hashtags ?? []],
        c.Ranking?.By ?? "heuristic", c.Ranking?.Heuristic ?? c.Score, c.Ranking?.HeuristicReason ?? c.Reason,
        c.Ranking?.Llm ?? -1, c.Ranking?.LlmScores?.Hook ?? -1, c.Ranking?.LlmScores?.Payoff ?? -1,
        c.Ranking?.LlmScores?.Clarity ?? -1, c.Ranking?.LlmScores?.Shareability ?? -1);

    public ScoredClip ToScoredClip() =>
        new(Index, Start, End, Score, new Scores(Hook, Completeness, Density, Emotion), Reason, Title, Description, Hashtags ?? [],
            new ClipRanking(RankedBy, HeuristicScore, LlmScore < 0 ? null : LlmScore, Score, HeuristicReason,
                LlmHook < 0 ? null : new LlmScores(LlmHook, LlmPayoff, LlmClarity, LlmShareability)));

    /// <summary>The hashtags, none for a plan stored before they existed.</summary>
    public IReadOnlyList<string> Tags() => Hashtags ?? [];

    public bool Equals(ClipPlan? other) =>
        other is not null && Index == other.Index && Start.Equals(other.Start) && End.Equals(other.End) && Score == other.Score
        && Hook == other.Hook && Completeness == other.Completeness && Density == other.Density && Emotion == other.Emotion
        && Reason == other.Reason && Title == other.Title && Description == other.Description && Tags().SequenceEqual(other.Tags())
        && RankedBy == other.RankedBy && HeuristicScore == other.HeuristicScore && HeuristicReason == other.HeuristicReason
        && LlmScore == other.LlmScore && LlmHook == other.LlmHook && LlmPayoff == other.LlmPayoff && LlmClarity == other.LlmClarity
        && LlmShareability == other.LlmShareability;

    public override int GetHashCode() => HashCode.Combine(Index, Start, End, Score, Title);

    /// <summary>"clip-01": the file stem of this clip's outputs.</summary>
    public string Stem => Clipper.Core.Storage.BlobLayout.ClipStem(Index);
}

/// <summary>
/// How a job's clips were ranked: <see cref="Method"/> as asked ("heuristic" or "llm"); <see cref="Outcome"/> what
/// happened: "heuristic", "llm" (the model answered), "llm_cached" (an earlier identical answer, no call) or a failure
/// code (llm_timeout, llm_http_404, …; the heuristic ranking stands), with <see cref="Detail"/>. With an LLM: the
/// stamp (scorer version, model, prompt hash), the audit blob (exact request and response), and the call's tokens and
/// cost (0 when cached or failed before an answer) at the price table dated <see cref="PricesAsOf"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.RankSummary")]
public sealed record RankSummary(string Method, string Outcome, string? Detail = null, string? Model = null, string? Scorer = null,
    string? PromptHash = null, string? AuditKey = null, int InputTokens = 0, int OutputTokens = 0, double CostUsd = 0,
    string? PricesAsOf = null)
{
    public static readonly RankSummary Heuristic = new("heuristic", "heuristic");
}

/// <summary>Why a job failed: a stable code, a message for people, and the tool's stderr tail when there was one.</summary>
[GenerateSerializer, Immutable, Alias("clipper.JobError")]
public sealed record JobError(string Code, string Message, string? Detail);
