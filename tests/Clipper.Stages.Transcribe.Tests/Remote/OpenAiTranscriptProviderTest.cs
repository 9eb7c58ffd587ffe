using System.Collections.Concurrent;
using System.Text.Json;
using Clipper.Core.Errors;
using Clipper.Core.Remote;
using Clipper.Core.Transcripts;
using Clipper.Samples;
using Clipper.Stages.Transcribe.Remote;
using Clipper.TestSupport;
using Microsoft.Extensions.Logging;

namespace Clipper.Stages.Transcribe.Tests.Remote;

/// <summary>About 45 s of the sample talk spoken by flite (known sentence times), and a scratch directory, shared by the class.</summary>
public sealed class SpokenTalkFixture : IAsyncLifetime
{
    public BuiltMedia Talk { get; private set; } = null!;

    public string Dir { get; } = TestMedia.TempDir("remote-asr-test");

    public async ValueTask InitializeAsync() =>
        Talk = await SampleVideo.SpeechAsync(SampleVideo.Talk(0.75), 0.6, Path.Combine(Dir, "talk.wav"));

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The OpenAI engine against a fake OpenAI server on loopback, through the real SDK client: a 45-second talk cut into
/// three pieces of about 15 s (1.5 s overlaps), real ffmpeg and, for the pieces that fall back, real pocketsphinx.
/// </summary>
[Trait("Category", "media")]
public sealed class OpenAiTranscriptProviderTest(SpokenTalkFixture fixture) : IClassFixture<SpokenTalkFixture>
{
    /// <summary>A key that would be noticed anywhere it leaked.</summary>
    private const string Key = "sk-test-DO-NOT-LEAK-4f1c9e2b7a";

    private const double Overlap = 1.5;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly ConcurrentQueue<string> logged = new();

    private static TranscribeOptions Options(Action<RemoteTranscribeOptions>? tune = null)
    {
        var o = new TranscribeOptions
        {
            Engine = "openai",
            Remote = new RemoteTranscribeOptions
            {
                ChunkMinutes = 0.25,
                OverlapSeconds = Overlap,
                Concurrency = 3,
                MaxAttempts = 3,
                RetryDelay = TimeSpan.FromMilliseconds(50),
                MaxRetryDelay = TimeSpan.FromSeconds(5),
                ChunkDeadline = TimeSpan.FromSeconds(30),
            },
        };
        tune?.Invoke(o.Remote);
        return o;
    }

    private async Task<Transcript> TranscribeAsync(FakeOpenAi fake, TranscribeOptions options, Action<OpenAiOptions>? tune = null)
    {
        var openAi = new OpenAiOptions { ApiKey = Key, BaseUrl = fake.BaseUrl, RequestTimeout = TimeSpan.FromSeconds(20) };
        tune?.Invoke(openAi);
        var provider = new OpenAiTranscriptProvider(options, openAi, log: new ListLogger(logged));
        var t = await provider.TranscribeAsync(new TranscribeRequest(fixture.Talk.File, null, fixture.Dir), null, Cancel);
        Assert.NotNull(t);
        return t;
    }

    /// <summary>The talk's words as Whisper's word timestamps would write them.</summary>
    private List<Word> Known() => fixture.Talk.Words().Select(w => w with { })
        .Where(w => FakeOpenAi.Plain(w.Text).Length > 0)
        .Select(w => new Word(FakeOpenAi.Plain(w.Text), w.Start, w.End, 1)).ToList();

    /// <summary>
    /// What every test checks: the usage the transcript reports is what the fake counted (a whole job's cost made from
    /// it: RemoteTranscriptionJobTests); and the key is nowhere.
    /// </summary>
    private void CountedAndClean(Transcript t, FakeOpenAi fake)
    {
        Assert.NotNull(t.Usage);
        Assert.Equal(fake.Requests, t.Usage.Requests);
        Assert.Equal(t.Chunks!.Sum(c => c.Requests), t.Usage.Requests);
        Assert.Equal(Math.Round(fake.BilledSeconds, 3), t.Usage.AudioSeconds, 6);
        Assert.Equal("openai-compatible", t.Usage.Service);
        Assert.Equal("whisper-1", t.Usage.Model);
        var json = JsonSerializer.Serialize(t);
        Assert.DoesNotContain(Key, json);
        Assert.All(logged, line => Assert.DoesNotContain(Key, line));
        Assert.All(fake.Calls, c => Assert.Equal("Bearer " + Key, c.Auth));
    }

    /// <summary>The words a fallen-back piece got from pocketsphinx: some, and all inside its core.</summary>
    private static void RecognisedLocally(Transcript t, TranscriptChunk c)
    {
        Assert.Equal("pocketsphinx", c.Source);
        var inside = t.Words.Where(w => w.Start >= c.Start - 0.05 && w.Start < c.End).ToList();
        Assert.True(c.Words >= 15, $"pocketsphinx found only {c.Words} words in {c.Start}–{c.End} s");
        Assert.Equal(c.Words, inside.Count);
    }

    /// <summary>
    /// A job's chunk units hear the remote engine's pieces one by one (from the split's FLAC copy of the audio, as other
    /// silos would): the same pieces, the same requests, and the joined words, reports and usage equal the whole path's.
    /// </summary>
    [Fact]
    public async Task ThePiecesHeardAsChunkUnitsJoinIntoTheWholePathsTranscript()
    {
        await using var wholeFake = await FakeOpenAi.StartAsync(fixture.Talk);
        var whole = await TranscribeAsync(wholeFake, Options());

        await using var fake = await FakeOpenAi.StartAsync(fixture.Talk);
        var openAi = new OpenAiOptions { ApiKey = Key, BaseUrl = fake.BaseUrl, RequestTimeout = TimeSpan.FromSeconds(20) };
        var provider = new OpenAiTranscriptProvider(Options(), openAi, log: new ListLogger(logged));
        var dir = TestMedia.TempDir("remote-chunks");
        var speech = Path.Combine(dir, "speech.flac");
        var plan = await provider.PlanAsync(fixture.Talk.File, dir, Cancel, speech);
        Assert.NotNull(plan);
        Assert.Equal(whole.Chunks!.Select(c => (c.Start, c.End)), plan.Chunks.Select(c => (Math.Round(c.Start, 3), Math.Round(c.End, 3))));
        // the job's own overlap (0.5 s) is less than the engine's: the pieces carry the engine's
        var pieces = await Task.WhenAll(plan.Chunks.Select((c, i) =>
            provider.RecogniseAsync(new ChunkRequest(speech, i, c.Start, c.End, 0.5, plan.NoiseFloorDb, dir), null, Cancel)));
        Assert.All(pieces, p => Assert.Equal(("openai", 1), (p.Provider, p.Chunks!.Count)));
        var joined = ChunkStitch.Join(pieces, "openai", null);

        Assert.Equal(whole.Words.Select(w => w.Text), joined.Words.Select(w => w.Text));
        Assert.All(whole.Words.Zip(joined.Words), p => Assert.Equal(p.First.Start, p.Second.Start, 0.002));
        Assert.Equal(whole.Chunks, joined.Chunks);
        Assert.Equal(whole.Language, joined.Language);
        // the same uploads: each piece once, from the same place in the talk, of the same length (to the MP3's frame)
        var sent = fake.Calls.OrderBy(c => c.Piece).ToList();
        Assert.Equal(wholeFake.Calls.OrderBy(c => c.Piece).Select(c => (c.Piece, c.PieceStart)), sent.Select(c => (c.Piece, c.PieceStart)));
        Assert.All(wholeFake.Calls.OrderBy(c => c.Piece).Zip(sent), p => Assert.Equal(p.First.Duration, p.Second.Duration, 0.03));
        CountedAndClean(joined, fake);
    }

    [Fact]
    public async Task EveryWordOfTheTalkComesOnceAcrossTheSeams()
    {
        await using var fake = await FakeOpenAi.StartAsync(fixture.Talk);
        var t = await TranscribeAsync(fake, Options());

        Assert.Equal("openai", t.Provider);
        // verbose_json's "english", as a code; no language was sent, so the model detected it
        Assert.Equal("en", t.Language);
        Assert.All(fake.Calls, c => Assert.Null(c.Language));
        Assert.Equal(3, t.Chunks!.Count);
        Assert.All(t.Chunks, c => Assert.Equal(("openai", 1, (string?)null), (c.Source, c.Requests, c.Reason)));
        // the cores tile the talk
        Assert.Equal(0, t.Chunks![0].Start);
        Assert.Equal(t.Chunks![0].End, t.Chunks![1].Start);
        Assert.Equal(t.Chunks![1].End, t.Chunks![2].Start);

        var known = Known();
        Assert.Equal(known.Select(w => w.Text), t.Words.Select(w => w.Text));
        Assert.All(known.Zip(t.Words), p => Assert.Equal(p.First.Start, p.Second.Start, 0.011));
        // the overlaps were heard twice, and each word in them was kept once
        Assert.True(fake.WordsSent > known.Count, $"the fake sent {fake.WordsSent} words for {known.Count}: no overlap reached a word");
        Assert.Equal(known.Count, t.Chunks.Sum(c => c.Words));

        // the wire: the model, verbose_json with word timestamps, 16 kHz mono MP3 of the piece's length (+ the overlaps)
        Assert.Equal(3, fake.Requests);
        foreach (var call in fake.Calls)
        {
            Assert.Equal(("/v1/audio/transcriptions", "whisper-1", "verbose_json"), (call.Path, call.Model, call.Format));
            Assert.Equal(["word"], call.Granularities);
            Assert.Equal(("mp3", 16000, 1), (call.Codec, call.SampleRate, call.Channels));
            var piece = t.Chunks.Single(c => Math.Abs(Math.Max(0, c.Start - Overlap) - call.PieceStart) < 0.002);
            double sent = Math.Min(piece.End + Overlap, fixture.Talk.DurationSeconds) - call.PieceStart;
            Assert.InRange(call.Duration, sent - 0.1, sent + 0.15);
        }

        CountedAndClean(t, fake);
    }

    [Fact]
    public async Task A429WaitsOutItsRetryAfter()
    {
        await using var fake = await FakeOpenAi.StartAsync(fixture.Talk, c => c.Piece == 1 && c.PieceAttempt == 1
            ? new FakeReply(FakeAnswer.Status, 429, """{"error":{"message":"Rate limit reached for whisper-1","type":"requests","code":"rate_limit_exceeded"}}""",
                ("Retry-After", "2"))
            : FakeReply.Transcribe);
        var t = await TranscribeAsync(fake, Options());

        Assert.All(t.Chunks!, c => Assert.Equal("openai", c.Source));
        Assert.Equal([1, 2, 1], t.Chunks!.Select(c => c.Requests));
        var calls = fake.Calls.Where(c => c.Piece == 1).OrderBy(c => c.At).ToList();
        Assert.Equal(2, calls.Count);
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(2),
            $"the retry came {(calls[1].At - calls[0].At).TotalSeconds:0.000} s after the 429 that said Retry-After: 2");
        Assert.Equal(Known().Count, t.Words.Count);
        CountedAndClean(t, fake);
    }

    [Fact]
    public async Task TwoServerErrorsAreRetriedWithBackoff()
    {
        await using var fake = await FakeOpenAi.StartAsync(fixture.Talk, c => c.Piece == 0 && c.PieceAttempt <= 2
            ? new FakeReply(FakeAnswer.Status, 500, """{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}""")
            : FakeReply.Transcribe);
        var t = await TranscribeAsync(fake, Options());

        Assert.All(t.Chunks!, c => Assert.Equal("openai", c.Source));
        Assert.Equal([3, 1, 1], t.Chunks!.Select(c => c.Requests));
        var first = fake.Calls.Where(c => c.Piece == 0).OrderBy(c => c.At).ToList();
        // 50 ms, then 100 ms
        Assert.True(first[2].At - first[1].At >= TimeSpan.FromMilliseconds(100), "the second back-off did not double");
        Assert.Equal(Known().Select(w => w.Text), t.Words.Select(w => w.Text));
        CountedAndClean(t, fake);
    }

    [Fact]
    public async Task APieceThatHangsPastItsDeadlineIsRecognisedLocally()
    {
        await using var fake = await FakeOpenAi.StartAsync(fixture.Talk, c => c.Piece == 2
            ? new FakeReply(FakeAnswer.Hang)
            : FakeReply.Transcribe);
        var t = await TranscribeAsync(fake, Options(r => r.ChunkDeadline = TimeSpan.FromSeconds(3)));

        Assert.Equal(["openai", "openai", "pocketsphinx"], t.Chunks!.Select(c => c.Source));
        Assert.Equal("no answer within the piece's deadline of 3 s after 1 request", t.Chunks![2].Reason);
        RecognisedLocally(t, t.Chunks![2]);
        Assert.Equal(0, Math.Round(fake.BilledSeconds - fake.Calls.Where(c => c.Piece < 2).Sum(c => c.Duration), 3));
        CountedAndClean(t, fake);
    }

    [Fact]
    public async Task AnEmpty200IsRetriedThenRecognisedLocally()
    {
        await using var fake = await FakeOpenAi.StartAsync(fixture.Talk, c => c.Piece == 0
            ? new FakeReply(FakeAnswer.Empty)
            : FakeReply.Transcribe);
        var t = await TranscribeAsync(fake, Options());

        Assert.Equal(["pocketsphinx", "openai", "openai"], t.Chunks!.Select(c => c.Source));
        Assert.Equal(3, t.Chunks![0].Requests);
        Assert.StartsWith("gave up after 3 requests: unreadable answer", t.Chunks![0].Reason);
        RecognisedLocally(t, t.Chunks![0]);
        CountedAndClean(t, fake);
    }

    [Fact]
    public async Task MalformedJsonIsRetriedThenRecognisedLocally()
    {
        await using var fake = await FakeOpenAi.StartAsync(fixture.Talk, c => c.Piece == 2
            ? new FakeReply(FakeAnswer.Malformed)
            : FakeReply.Transcribe);
        var t = await TranscribeAsync(fake, Options());

        Assert.Equal(["openai", "openai", "pocketsphinx"], t.Chunks!.Select(c => c.Source));
        Assert.Equal(3, t.Chunks![2].Requests);
        Assert.StartsWith("gave up after 3 requests: unreadable answer", t.Chunks![2].Reason);
        RecognisedLocally(t, t.Chunks![2]);
        CountedAndClean(t, fake);
    }

    /// <summary>Every piece falls back, so pocketsphinx hears the whole 45 s (about 30 s here on a shared machine).</summary>
    [Fact]
    [Trait("Category", "slow")]
    public async Task ABadKeyIsNotRetriedAndNeverPrinted()
    {
        // the fake echoes the whole key in its error, so only the redaction keeps it out of reasons and logs
        await using var fake = await FakeOpenAi.StartAsync(fixture.Talk, _ => new FakeReply(FakeAnswer.Status, 401,
            $$$"""{"error":{"message":"Incorrect API key provided: {{{Key}}}. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"""));
        var t = await TranscribeAsync(fake, Options());

        Assert.All(t.Chunks!, c =>
        {
            Assert.Equal(1, c.Requests);
            Assert.StartsWith("the API refused the key (HTTP 401)", c.Reason);
            Assert.EndsWith("not retried", c.Reason);
            Assert.Contains("***", c.Reason);
            RecognisedLocally(t, c);
        });
        Assert.Equal(0, t.Usage!.AudioSeconds);
        CountedAndClean(t, fake);
    }

    [Fact]
    public async Task AnUnknownModelIsNotRetriedAndNamed()
    {
        await using var fake = await FakeOpenAi.StartAsync(fixture.Talk, c => c.Piece == 0
            ? new FakeReply(FakeAnswer.Status, 404, """{"error":{"message":"The model `whisper-9` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}""")
            : FakeReply.Transcribe);
        var t = await TranscribeAsync(fake, Options(), o => o.TranscriptionModel = "whisper-9");

        Assert.Equal(["pocketsphinx", "openai", "openai"], t.Chunks!.Select(c => c.Source));
        Assert.Equal(1, t.Chunks![0].Requests);
        Assert.StartsWith("the API does not know the model 'whisper-9' (HTTP 404)", t.Chunks![0].Reason);
        RecognisedLocally(t, t.Chunks![0]);
        Assert.All(fake.Calls, c => Assert.Equal("whisper-9", c.Model));
        Assert.Equal(fake.Requests, t.Usage!.Requests);
        Assert.Equal("whisper-9", t.Usage.Model);
    }

    [Fact]
    public async Task EveryRequestWaitsForAPermitAndTheWaitIsNotCountedAgainstTheDeadline()
    {
        await using var fake = await FakeOpenAi.StartAsync(fixture.Talk, c => c.Piece == 1 && c.PieceAttempt == 1
            ? new FakeReply(FakeAnswer.Status, 503, """{"error":{"message":"overloaded","type":"server_error"}}""")
            : FakeReply.Transcribe);
        var permits = new SlowPermits(TimeSpan.FromSeconds(3.5));
        var openAi = new OpenAiOptions { ApiKey = Key, BaseUrl = fake.BaseUrl };
        // a deadline shorter than each permit's wait: the pieces still get their answers
        var provider = new OpenAiTranscriptProvider(Options(r => r.ChunkDeadline = TimeSpan.FromSeconds(3)), openAi, log: new ListLogger(logged),
            permits: permits);
        var t = await provider.TranscribeAsync(new TranscribeRequest(fixture.Talk.File, null, fixture.Dir), null, Cancel);

        Assert.All(t!.Chunks!, c => Assert.Equal(("openai", (string?)null), (c.Source, c.Reason)));
        Assert.Equal(4, fake.Requests);
        // one permit per request, each for its piece's audio
        Assert.Equal(fake.Requests, permits.Taken.Count);
        Assert.All(fake.Calls.Select(c => c.Duration).Order().Zip(permits.Taken.Order()), p => Assert.Equal(p.First, p.Second, 0.15));
        CountedAndClean(t, fake);
    }

    [Fact]
    public async Task AzureOpenAiIsReachedThroughItsDeploymentPathWithTheJobsLanguage()
    {
        await using var fake = await FakeOpenAi.StartAsync(fixture.Talk);
        var openAi = new OpenAiOptions { ApiKey = Key, AzureEndpoint = fake.Url + "/", TranscriptionModel = "my-whisper" };
        var provider = new OpenAiTranscriptProvider(Options(), openAi, log: new ListLogger(logged));
        var t = await provider.TranscribeAsync(new TranscribeRequest(fixture.Talk.File, null, fixture.Dir, "de"), null, Cancel);

        Assert.All(t!.Chunks!, c => Assert.Equal("openai", c.Source));
        // the job's language is sent with each piece (so the model need not guess it) and kept
        Assert.All(fake.Calls, c => Assert.Equal("de", c.Language));
        Assert.Equal("de", t.Language);
        Assert.Equal(Known().Select(w => w.Text), t.Words.Select(w => w.Text));
        Assert.All(fake.Calls, c =>
        {
            Assert.Equal("/openai/deployments/my-whisper/audio/transcriptions", c.Path);
            Assert.StartsWith("?api-version=", c.Query);
            Assert.Equal(Key, c.Auth);
        });
        Assert.Equal(new RemoteUsage("azure", "my-whisper", 3, Math.Round(fake.BilledSeconds, 3)), t.Usage);
    }

    /// <summary>
    /// The real API, for a machine with network access: set CLIPPER_LIVE_OPENAI_API_KEY. Skipped, saying why, without it.
    /// </summary>
    [Fact]
    [Trait("Category", "external")]
    public async Task TheLiveApiTranscribesTheTalk()
    {
        var key = Environment.GetEnvironmentVariable("CLIPPER_LIVE_OPENAI_API_KEY");
        if (string.IsNullOrWhiteSpace(key))
        {
            Assert.Skip("CLIPPER_LIVE_OPENAI_API_KEY is not set: the OpenAI API cannot be reached from this machine; set it to run this test (it sends about 50 s of audio, under $0.01 at whisper-1's list price)");
        }

        var provider = new OpenAiTranscriptProvider(Options(r => r.ChunkDeadline = TimeSpan.FromMinutes(2)), new OpenAiOptions { ApiKey = key },
            log: new ListLogger(logged));
        var t = await provider.TranscribeAsync(new TranscribeRequest(fixture.Talk.File, null, fixture.Dir), null, Cancel);

        Assert.All(t!.Chunks!, c => Assert.Equal(("openai", (string?)null), (c.Source, c.Reason)));
        var wer = WordErrorRate.Measure(string.Join(' ', Known().Select(w => w.Text)), t.Text);
        Assert.True(wer.Rate < 0.15, $"word error rate {wer.Rate:P1} against the talk's text");
        Assert.All(logged, line => Assert.DoesNotContain(key, line));
    }

    [Fact]
    [Trait("Category", "unit")]
    public void ChoosingOpenAiWithoutAKeyIsABadOptionNamingTheVariable()
    {
        var e = Assert.Throws<ClipperException>(() => Transcriber.Standard(new TranscribeOptions { Engine = "openai" }, new OpenAiOptions()));
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Contains("CLIPPER_OPENAI_API_KEY", e.Message);
    }

    [Fact]
    [Trait("Category", "unit")]
    public void PiecesOverTheUploadLimitAreABadOption()
    {
        var e = Assert.Throws<ClipperException>(() => new RemoteTranscribeOptions { ChunkMinutes = 60, BitrateKbps = 64 }.Validate());
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Contains("25 MB", e.Message);
        new RemoteTranscribeOptions().Validate();
    }

    [Fact]
    [Trait("Category", "unit")]
    public void AStoredTranscriptWithoutChunksStillLoads()
    {
        var t = JsonSerializer.Deserialize<Transcript>("""{"words":[{"word":"hello","start":1,"end":1.4,"confidence":0.9}],"provider":"pocketsphinx"}""")!;
        Assert.Equal(("pocketsphinx", 1), (t.Provider, t.Words.Count));
        Assert.Null(t.Chunks);
        Assert.Null(t.Usage);
        Assert.DoesNotContain("chunks", JsonSerializer.Serialize(t));
    }

    /// <summary>Permits that each take a while to come, recording the audio seconds asked for.</summary>
    private sealed class SlowPermits(TimeSpan wait) : IRemotePermits
    {
        public ConcurrentQueue<double> Taken { get; } = new();

        public async ValueTask WaitAsync(double audioSeconds, CancellationToken cancel)
        {
            await Task.Delay(wait, cancel);
            Taken.Enqueue(audioSeconds);
        }
    }

    /// <summary>Every log line and exception text, as a sink would write them.</summary>
    private sealed class ListLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + (exception is null ? "" : "\n" + exception));
    }
}
