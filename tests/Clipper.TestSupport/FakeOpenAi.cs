using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clipper.Core.Processes;
using Clipper.Samples;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Clipper.TestSupport;

/// <summary>What the fake does with one request.</summary>
public enum FakeAnswer
{
    /// <summary>200 with a verbose_json transcription of the uploaded piece (from the talk's known words).</summary>
    Transcribe,

    /// <summary>The given status, headers and body.</summary>
    Status,

    /// <summary>Never answers (until the client gives up).</summary>
    Hang,

    /// <summary>200 with an empty body.</summary>
    Empty,

    /// <summary>200 with a body that is not JSON to the end.</summary>
    Malformed,
}

public sealed record FakeReply(FakeAnswer Answer, int Status = 200, string Body = "", params (string Name, string Value)[] Headers)
{
    public static readonly FakeReply Transcribe = new(FakeAnswer.Transcribe);
}

/// <summary>
/// One request as the fake saw it: its number, its piece's number, the n-th for its piece, when it came (since the fake started), the
/// form fields, the uploaded file's name and what ffprobe says of the file.
/// </summary>
public sealed record FakeCall(int Number, int Piece, int PieceAttempt, TimeSpan At, string Path, string? Query, string Auth, string Model,
    string Format, IReadOnlyList<string> Granularities, string FileName, long Bytes, double PieceStart, double Duration,
    string Codec, int SampleRate, int Channels, string? Language = null);

/// <summary>
/// A fake OpenAI transcription endpoint on loopback (Kestrel) that speaks the real wire format: multipart
/// <c>POST /v1/audio/transcriptions</c> (and Azure's <c>/openai/deployments/{name}/audio/transcriptions</c>) with
/// <c>file</c>, <c>model</c>, <c>response_format</c> and <c>timestamp_granularities[]</c>, answering verbose_json.
/// </summary>
/// <remarks>
/// How it knows what a piece says: ffprobe on the uploaded MP3 gives the piece's length; where the piece starts in the
/// talk it reads from the upload's file name (<c>piece-NNN-at-MSms.mp3</c>, which the provider sends). The answer is
/// the talk's known words (each sentence's span shared among its words, <see cref="BuiltMedia.Words"/>) that overlap
/// [start, start + length), punctuation stripped, times made relative to the piece and rounded to 10 ms as Whisper's are.
/// It does not listen to the audio: it trusts the file name for the offset, and checks only the length.
/// </remarks>
public sealed partial class FakeOpenAi : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly BuiltMedia talk;
    private readonly Func<FakeCall, FakeReply> script;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<long, int> attempts = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock counting = new();
    private int number;

    private FakeOpenAi(WebApplication app, BuiltMedia talk, Func<FakeCall, FakeReply> script)
    {
        this.app = app;
        this.talk = talk;
        this.script = script;
    }

    /// <summary>Every request, in the order they came.</summary>
    public ConcurrentQueue<FakeCall> Calls { get; } = new();

    /// <summary>Requests received on the transcription paths.</summary>
    public int Requests => Calls.Count;

    /// <summary>Seconds of audio answered with a transcription (the <c>duration</c> fields it sent).</summary>
    public double BilledSeconds { get; private set; }

    /// <summary>Words it sent in all its transcriptions (seams counted twice).</summary>
    public int WordsSent { get; private set; }

    public string Url { get; private set; } = "";

    /// <summary>OpenAiOptions.BaseUrl for this fake.</summary>
    public string BaseUrl => Url + "/v1";

    public static async Task<FakeOpenAi> StartAsync(BuiltMedia talk, Func<FakeCall, FakeReply>? script = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeOpenAi(app, talk, script ?? (_ => FakeReply.Transcribe));
        app.MapPost("/v1/audio/transcriptions", fake.HandleAsync);
        app.MapPost("/openai/deployments/{deployment}/audio/transcriptions", fake.HandleAsync);
        await app.StartAsync();
        fake.Url = app.Urls.First().TrimEnd('/');
        return fake;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var at = clock.Elapsed;
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var file = form.Files["file"] ?? throw new InvalidOperationException("no file part");
        var temp = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fake-openai-" + Guid.NewGuid().ToString("N") + ".mp3");
        double duration;
        string codec;
        int rate, channels;
        try
        {
            await using (var o = File.Create(temp))
            {
                await file.CopyToAsync(o, http.RequestAborted);
            }

            (duration, codec, rate, channels) = await ProbeAsync(temp);
        }
        finally
        {
            File.Delete(temp);
        }

        var m = UploadName().Match(file.FileName);
        double start = m.Success ? long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) / 1000.0 : 0;
        long key = m.Success ? long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : -1;
        var call = new FakeCall(Interlocked.Increment(ref number), m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1,
            attempts.AddOrUpdate(key, 1, (_, n) => n + 1), at,
            http.Request.Path, http.Request.QueryString.Value,
            http.Request.Headers.Authorization.ToString() + http.Request.Headers["api-key"].ToString(),
            form["model"].ToString(), form["response_format"].ToString(), form["timestamp_granularities[]"].Select(s => s ?? "").ToList(),
            file.FileName, file.Length, start, duration, codec, rate, channels,
            form.TryGetValue("language", out var language) ? language.ToString() : null);
        Calls.Enqueue(call);

        var reply = script(call);
        switch (reply.Answer)
        {
            case FakeAnswer.Transcribe:
                var body = Transcription(call);
                await WriteAsync(http, 200, body.ToJsonString(), []);
                break;
            case FakeAnswer.Status:
                await WriteAsync(http, reply.Status, reply.Body, reply.Headers);
                break;
            case FakeAnswer.Hang:
                using (var both = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping.Token))
                {
                    await Task.Delay(Timeout.Infinite, both.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                }

                break;
            case FakeAnswer.Empty:
                await WriteAsync(http, 200, "", []);
                break;
            case FakeAnswer.Malformed:
                await WriteAsync(http, 200, "{\"task\":\"transcribe\",\"language\":\"english\",\"duration\":12.5,\"text\":\"Why do some", []);
                break;
        }
    }

    private JsonObject Transcription(FakeCall call)
    {
        double from = call.PieceStart, to = call.PieceStart + call.Duration;
        var words = new JsonArray();
        var texts = new List<string>();
        foreach (var w in talk.Words().Where(w => w.End > from && w.Start < to))
        {
            var text = Plain(w.Text);
            if (text.Length == 0)
            {
                continue;
            }

            texts.Add(text);
            words.Add(new JsonObject
            {
                ["word"] = text,
                ["start"] = Math.Round(Math.Max(0, w.Start - from), 2),
                ["end"] = Math.Round(Math.Min(call.Duration, w.End - from), 2),
            });
        }

        var segments = new JsonArray();
        foreach (var s in talk.Sentences.Where(s => s.End > from && s.Start < to))
        {
            segments.Add(new JsonObject
            {
                ["id"] = segments.Count,
                ["seek"] = 0,
                ["start"] = Math.Round(Math.Max(0, s.Start - from), 2),
                ["end"] = Math.Round(Math.Min(call.Duration, s.End - from), 2),
                ["text"] = " " + s.Text,
                ["tokens"] = new JsonArray(50364, 50365),
                ["temperature"] = 0.0,
                ["avg_logprob"] = -0.21,
                ["compression_ratio"] = 1.4,
                ["no_speech_prob"] = 0.01,
            });
        }

        lock (counting)
        {
            BilledSeconds += call.Duration;
            WordsSent += words.Count;
        }

        return new JsonObject
        {
            ["task"] = "transcribe",
            ["language"] = "english",
            ["duration"] = call.Duration,
            ["text"] = string.Join(' ', texts),
            ["words"] = words,
            ["segments"] = segments,
        };
    }

    /// <summary>A word as Whisper's word timestamps give it: no punctuation around it.</summary>
    public static string Plain(string word) => NotWord().Replace(word, "");

    private static async Task WriteAsync(HttpContext http, int status, string body, (string Name, string Value)[] headers)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        foreach (var (name, value) in headers)
        {
            http.Response.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes);
    }

    private static async Task<(double Duration, string Codec, int Rate, int Channels)> ProbeAsync(string file)
    {
        var r = await ProcessRunner.RunCheckedAsync(
            ["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_name,sample_rate,channels", "-of", "json", file],
            TimeSpan.FromSeconds(30));
        using var json = JsonDocument.Parse(r.StdoutText);
        var stream = json.RootElement.GetProperty("streams")[0];
        return (Math.Round(double.Parse(json.RootElement.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture), 3),
            stream.GetProperty("codec_name").GetString()!,
            int.Parse(stream.GetProperty("sample_rate").GetString()!, CultureInfo.InvariantCulture),
            stream.GetProperty("channels").GetInt32());
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        stopping.Dispose();
    }

    [GeneratedRegex(@"^piece-(\d+)-at-(\d+)ms\.mp3$")]
    private static partial Regex UploadName();

    [GeneratedRegex(@"[^\p{L}\p{N}']")]
    private static partial Regex NotWord();
}
