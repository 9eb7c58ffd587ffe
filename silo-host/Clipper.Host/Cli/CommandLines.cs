using System.ComponentModel;
using System.Globalization;
using Clipper.Abstractions.Jobs;
using Clipper.Core.Clips;
using Clipper.Core.Errors;
using Clipper.Host.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Clipper.Host.Cli;

// The command line of each command, read by Spectre.Console.Cli. Numbers are taken as text and read here with the
// invariant culture, so that a bad value comes back as bad_option with a message naming its option (the parser's own
// conversion error names only the type). Every settings class checks itself in Validate; CliApp turns a failed check
// into "error: bad_option: message", exit 2.

/// <summary>The clip options that <c>clip</c>, <c>demo</c> and <c>submit</c> share: --out --clips --min --max.</summary>
public class ClipOptionsLine : CommandSettings
{
    [CommandOption("--out <DIR>")]
    [Description("output directory (clip: default ./clips/<job-id>; submit: download the clips there)")]
    public string? Out { get; init; }

    [CommandOption("--clips <N>")]
    [Description("at most N clips (default 10)")]
    public string? Clips { get; init; }

    [CommandOption("--min <S>")]
    [Description("shortest clip in seconds (default 15)")]
    public string? Min { get; init; }

    [CommandOption("--max <S>")]
    [Description("longest clip in seconds (default 90)")]
    public string? Max { get; init; }

    [CommandOption("--asr <ENGINE>")]
    [Description("speech-to-text: pocketsphinx (offline, English), whisper (a local model, CLIPPER_WHISPER_MODEL) or openai (CLIPPER_OPENAI_API_KEY); default: the configured one")]
    public string? Asr { get; init; }

    [CommandOption("--rank <METHOD>")]
    [Description("ranking: heuristic, or llm (a chat model re-ranks the heuristic's picks; CLIPPER_OPENAI_API_KEY); default: the configured one")]
    public string? Rank { get; init; }

    [CommandOption("--language <CODE>")]
    [Description("the spoken language, ISO 639-1 (en, de, …); default: detected where the engine can, else English")]
    public string? Language { get; init; }

    [CommandOption("--captions <PRESET>")]
    [Description("the caption preset: bold, karaoke, pop or lower-third (README, Caption presets); default: the configured one (bold)")]
    public string? Captions { get; init; }

    [CommandOption("--ratio <W:H>")]
    [Description("the output's aspect ratio: 9:16 (1080x1920, the default), 1:1 (1080x1080), 4:5 (1080x1350) or 16:9 (1920x1080); a comma-separated list (9:16,1:1, up to 4) adds the others as extra renditions of every clip, from one face-tracking pass")]
    public string? Ratio { get; init; }

    [CommandOption("--layout <LAYOUT>")]
    [Description("auto (the default, per shot: split where two faces talk together, screen where a screen share shows a small face, else single; fit for a clip with no face), single (follow one face, or a centre crop), fit (the whole frame over a blurred copy), split (two faces, each followed in its half, stacked in 9:16 and side by side in 4:5, 1:1 and 16:9, in every shot with two) or screen (the whole frame above the speaker's face, in every shot with a face)")]
    public string? Layout { get; init; }

    [CommandOption("--hook")]
    [Description("draw each clip's title at the top of the frame for its first 3 seconds (off by default)")]
    public bool Hook { get; init; }

    [CommandOption("--hook-seconds <S>")]
    [Description("how long the hook title shows, 0.5-10 seconds (implies --hook)")]
    public string? HookSeconds { get; init; }

    /// <summary>The job's settings: the clip options and the choices of engine, ranking, language, caption preset, layout and hook title, checked.</summary>
    public ClipSettings ReadSettings()
    {
        var sized = ClipSettings.From(ReadOptions()).WithSizes(AspectRatio.Sizes(Ratio, null, null));
        return JobChoices.Check(sized.WithChoices(Asr, Rank, Language, Captions, Layout) with { HookTitle = ReadHook() });
    }

    /// <summary>The hook title's seconds: null without --hook or --hook-seconds, the default with --hook alone.</summary>
    public double? ReadHook() => Number(HookSeconds, "--hook-seconds") ?? (Hook ? ClipSettings.DefaultHookSeconds : null);

    /// <summary>The options given, the defaults for the rest, checked (bad_option naming the option otherwise).</summary>
    public ClipOptions ReadOptions()
    {
        var d = ClipOptions.Defaults;
        var (width, height) = AspectRatio.Sizes(Ratio, null, null)[0];
        return (d with
        {
            MaxClips = ReadClips() ?? d.MaxClips,
            MinSeconds = ReadMin() ?? d.MinSeconds,
            MaxSeconds = ReadMax() ?? d.MaxSeconds,
            Width = width,
            Height = height,
        }).Validate();
    }

    public int? ReadClips()
    {
        if (Number(Clips, "--clips") is not { } n)
        {
            return null;
        }

        return n == Math.Floor(n) && n is <= int.MaxValue and >= int.MinValue
            ? (int)n : throw CliArgs.Bad($"--clips needs a whole number, got '{Clips}'");
    }

    public double? ReadMin() => Number(Min, "--min");

    public double? ReadMax() => Number(Max, "--max");

    public override ValidationResult Validate() => CliArgs.Check(() => ReadSettings());

    private static double? Number(string? v, string option) =>
        v is null ? null
        : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d : throw CliArgs.Bad($"{option} needs a number, got '{v}'");
}

/// <summary><c>clip INPUT [--out DIR] [--clips N] [--min S] [--max S] [--webhook URL --webhook-secret whsec_… [--webhook-wait S]]</c>.</summary>
public class ClipLine : ClipOptionsLine
{
    [CommandArgument(0, "<INPUT>")]
    [Description("a video file or an http(s) URL")]
    public string Input { get; init; } = "";

    [CommandOption("--webhook <URL>")]
    [Description("an http(s) endpoint told of the job's events (signed, Standard Webhooks); may be given several times")]
    public string[] Webhooks { get; init; } = [];

    [CommandOption("--webhook-secret <SECRET>")]
    [Description("whsec_<base64>, signs every --webhook's events; give two while rotating")]
    public string[] WebhookSecrets { get; init; } = [];

    [CommandOption("--webhook-wait <S>")]
    [Description("clip: seconds to wait for the webhooks' deliveries before exiting (default 60)")]
    public string? WebhookWait { get; init; }

    /// <summary>The endpoints given, each signed with every secret given.</summary>
    public IReadOnlyList<(string Url, string[] Secrets)> ReadWebhooks() =>
        WebhookSecrets.Length > 0 && Webhooks.Length == 0 ? throw CliArgs.Bad("--webhook-secret needs a --webhook")
        : [.. Webhooks.Select(u => (u, WebhookSecrets))];

    public TimeSpan ReadWebhookWait() =>
        WebhookWait is null ? TimeSpan.FromSeconds(60)
        : double.TryParse(WebhookWait, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s is >= 0 and <= 86400
            ? TimeSpan.FromSeconds(s) : throw CliArgs.Bad($"--webhook-wait needs seconds (0–86400), got '{WebhookWait}'");

    public override ValidationResult Validate() => CliArgs.Check(() =>
    {
        ReadSettings();
        ReadWebhooks();
        ReadWebhookWait();
    });

    /// <summary>What <c>clip</c> runs with; call after <see cref="Validate"/> succeeded.</summary>
    public ClipArgs ToArgs() => new(Input, Out, ReadOptions(), ReadWebhooks(), ReadWebhookWait(), ReadSettings());
}

/// <summary><c>demo [--out DIR] [--clips N] [--min S] [--max S]</c>: clip's options, for the sample video.</summary>
public sealed class DemoLine : ClipOptionsLine
{
    public ClipArgs ToArgs(string video) => new(video, Out, ReadOptions(), Settings: ReadSettings());
}

/// <summary>Where the client commands connect and with which key.</summary>
public interface IServerLine
{
    string? Server { get; }

    string? ApiKey { get; }
}

/// <summary>The server and key of a client command: the options first, then CLIPPER_SERVER and CLIPPER_API_KEY.</summary>
public static class ServerLines
{
    public const string DefaultServer = "127.0.0.1:7070";

    public static string Address(this IServerLine a) =>
        Present(a.Server) ?? Present(Environment.GetEnvironmentVariable("CLIPPER_SERVER")) ?? DefaultServer;

    public static string? Key(this IServerLine a) => Present(a.ApiKey) ?? Present(Environment.GetEnvironmentVariable("CLIPPER_API_KEY"));

    private static string? Present(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

/// <summary><c>submit INPUT [--server HOST:PORT] [--out DIR] [--clips N] [--min S] [--max S] [--api-key K]</c>.</summary>
public sealed class SubmitLine : ClipLine, IServerLine
{
    [CommandOption("--server <HOST:PORT>")]
    [Description("a running serve's gRPC address (default CLIPPER_SERVER, else 127.0.0.1:7070)")]
    public string? Server { get; init; }

    [CommandOption("--api-key <K>")]
    [Description("the API key (default CLIPPER_API_KEY)")]
    public string? ApiKey { get; init; }

    /// <summary>The options as the API takes them: only those given, 0 for the server's default.</summary>
    public Gateway.V1.ClipOptions ToRequestOptions()
    {
        var s = ReadSettings();
        return new()
        {
            MaxClips = ReadClips() ?? 0,
            MinSeconds = ReadMin() ?? 0,
            MaxSeconds = ReadMax() ?? 0,
            Asr = s.Asr ?? "",
            Rank = s.Rank ?? "",
            Language = s.Language ?? "",
            Captions = s.Captions ?? "",
            Ratio = string.IsNullOrWhiteSpace(Ratio) ? ""
                : string.Join(',', [AspectRatio.NameOf(s.Width, s.Height), .. s.Renditions().Select(r => r.Ratio())]),
            Layout = s.Layout ?? "",
            HookSeconds = s.HookTitle ?? 0,
        };
    }
}

/// <summary><c>watch JOB [--server HOST:PORT] [--out DIR] [--api-key K]</c>.</summary>
public sealed class WatchLine : CommandSettings, IServerLine
{
    [CommandArgument(0, "<JOB>")]
    [Description("the job's id, as submit printed it")]
    public string Job { get; init; } = "";

    [CommandOption("--server <HOST:PORT>")]
    [Description("a running serve's gRPC address (default CLIPPER_SERVER, else 127.0.0.1:7070)")]
    public string? Server { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("download the clips, job.json and report.json there")]
    public string? Out { get; init; }

    [CommandOption("--api-key <K>")]
    [Description("the API key (default CLIPPER_API_KEY)")]
    public string? ApiKey { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Job) ? ValidationResult.Error("watch needs a JOB id") : ValidationResult.Success();
}

/// <summary><c>serve [--grpc HOST:PORT] [--web HOST:PORT] [--silo-port N] [--gateway-port N]</c>.</summary>
public sealed class ServeLine : CommandSettings
{
    [CommandOption("--grpc <HOST:PORT>")]
    [Description("the gRPC gateway's address (default 127.0.0.1:7070)")]
    public string? Grpc { get; init; }

    [CommandOption("--web <HOST:PORT>")]
    [Description("the web pages, Orleans dashboard, /metrics and /health (default 127.0.0.1:8080)")]
    public string? Web { get; init; }

    [CommandOption("--silo-port <N>")]
    [Description("the silo-to-silo port of a cluster (default CLIPPER_SILO_PORT, else 11111)")]
    public string? SiloPort { get; init; }

    [CommandOption("--gateway-port <N>")]
    [Description("the Orleans client port of a cluster (default CLIPPER_GATEWAY_PORT, else 30000)")]
    public string? GatewayPort { get; init; }

    public override ValidationResult Validate() => CliArgs.Check(() =>
    {
        Port(SiloPort, "--silo-port");
        Port(GatewayPort, "--gateway-port");
    });

    /// <summary>The options given, as configuration keys over the host's configuration.</summary>
    public Dictionary<string, string?> Overrides()
    {
        var o = new Dictionary<string, string?>();
        void Set(string key, string? value)
        {
            if (value is not null)
            {
                o[key] = value;
            }
        }

        Set("Clipper:Gateway:Grpc", Grpc);
        Set("Clipper:Gateway:Web", Web);
        Set($"{ClusterProfile.Section}:SiloPort", SiloPort);
        Set($"{ClusterProfile.Section}:GatewayPort", GatewayPort);
        return o;
    }

    private static void Port(string? v, string option)
    {
        if (v is not null && !(int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535))
        {
            throw CliArgs.Bad($"{option} needs a port number (1-65535), got '{v}'");
        }
    }
}

/// <summary>
/// <c>bench [MINUTES | NAME] [--long]</c>: the whole-job benchmark on a MINUTES-long talk, the 60-minute source
/// (<c>--long</c>, which takes no MINUTES: its length is fixed so runs compare), or one stage's by name.
/// </summary>
public sealed class BenchLine : CommandSettings
{
    /// <summary>The length of the <c>--long</c> source, in minutes.</summary>
    public const double LongMinutes = 60;

    [CommandArgument(0, "[MINUTES|NAME]")]
    [Description("minutes of sample talk (default 10), or a benchmark: " + BenchCommand.NamedList)]
    public string? What { get; init; }

    [CommandOption("--long")]
    [Description("the whole-job benchmark on a 60-minute source of many voices, photos and texts (built once)")]
    public bool Long { get; init; }

    /// <summary>The stage benchmark named, or null for the whole-job one.</summary>
    public string? Named => What is not null && BenchCommand.IsNamed(What) ? What : null;

    public double Minutes => Long
        ? What is null ? LongMinutes
            : throw CliArgs.Bad($"bench --long runs the {LongMinutes:0}-minute source and takes no MINUTES or benchmark name, not '{What}'")
        : What is null || Named is not null ? 10
        : double.TryParse(What, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && double.IsFinite(m) && m > 0 ? m
        : throw CliArgs.Bad($"bench takes MINUTES (a positive number) or a benchmark's name ({BenchCommand.NamedList}), not '{What}'");

    public override ValidationResult Validate() => CliArgs.Check(() => _ = Minutes);
}

/// <summary><c>samples captions [DIR]</c>.</summary>
public sealed class SamplesLine : CommandSettings
{
    [CommandArgument(0, "<WHAT>")]
    [Description("what to make: captions (one frame of each caption preset) or layouts (one frame of each aspect ratio and of the fit, split and screen layouts)")]
    public string What { get; init; } = "";

    [CommandArgument(1, "[DIR]")]
    [Description("where to write them (default docs/captions or docs/layouts)")]
    public string? Dir { get; init; }

    public override ValidationResult Validate() => CliArgs.Check(() =>
    {
        if (What is not ("captions" or "layouts"))
        {
            throw CliArgs.Bad($"samples makes: captions or layouts, not '{What}'");
        }
    });
}

/// <summary>The validated arguments of <c>clip</c>, as the clip run takes them.</summary>
public sealed record ClipArgs(string Input, string? Out, ClipOptions Options,
    IReadOnlyList<(string Url, string[] Secrets)>? Webhooks = null, TimeSpan? WebhookWait = null, ClipSettings? Settings = null)
{
    /// <summary>What the job is submitted with: <see cref="Settings"/> when the command line gave them, else the options alone.</summary>
    public ClipSettings JobSettings => Settings ?? ClipSettings.From(Options);
}

/// <summary>bad_option errors, and a settings check as Spectre's <see cref="ValidationResult"/>.</summary>
public static class CliArgs
{
    public static ClipperException Bad(string message) => new(ErrorCode.BadOption, message);

    public static ValidationResult Check(Action read)
    {
        try
        {
            read();
            return ValidationResult.Success();
        }
        catch (ClipperException e) when (e.Code == ErrorCode.BadOption)
        {
            return ValidationResult.Error(e.Message);
        }
    }
}
