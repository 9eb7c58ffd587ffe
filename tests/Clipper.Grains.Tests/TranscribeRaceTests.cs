using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core;
using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Grains.Stages;
using Clipper.Stages.Transcribe;
using Clipper.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clipper.Grains.Tests;

/// <summary>
/// Two jobs of one video: the first job's transcribe unit stores the transcript and removes what only its making needed
/// (the chunks' words, the FLAC copy of the audio, a link's audio stream), while a unit of the second job is between
/// looking for the transcript and reading one of those. Run on the transcribe stage's own adapter over the embedded blob
/// store and a real silo's lease grains, with the first job's join landing exactly in that gap: the second job's unit
/// finds the transcript and does nothing, rather than fail or recognise again. Without a transcript a missing input stays
/// the failure it is.
/// </summary>
[Trait("Category", "cluster")]
public sealed class TranscribeRaceTests : IAsyncLifetime
{
    private static readonly string Sha = new('a', 64);
    private readonly string _home = TestMedia.TempDir("transcribe-race");
    private JobCluster _cluster = null!;

    public async ValueTask InitializeAsync() => _cluster = await JobCluster.StartAsync(1, _home);

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_home, true);
    }

    [Fact]
    public async Task AChunkWhoseAudioAnotherJobsJoinRemovedAfterTheLookFindsTheTranscriptAndRecognisesNothing()
    {
        var store = new JoinLandsAfterTheLook(Path.Combine(_home, "race-blobs"), TranscriptKey(Sha));
        var plan = new SpeechPlan([new SpeechChunk(1, 0, 60), new SpeechChunk(2, 60, 120)], 0.5, -50, "pocketsphinx",
            BlobLayout.SpeechAudio(Sha), Sha);
        await store.PutBytesAsync(plan.AudioKey!, [1, 2, 3]);
        store.Removes(plan.AudioKey!);
        var work = new StageWork("second", WorkId.Chunk(2), new JobSpec("talk.mp4", Jobs.Small), Source(), null, null, null, plan);

        var output = Assert.IsType<ChunkTranscribed>(await RunAsync(store, work));

        Assert.True(store.Landed, "the other job's join never landed: the unit did not look for the transcript");
        Assert.Equal(2, output.Chunk.Index);
        Assert.Equal(0, output.Chunk.Words);
        // nothing recognised, so nothing stored for the chunk
        Assert.False(await store.ExistsAsync(output.Chunk.Key));
    }

    [Fact]
    public async Task ASplitWhoseLinksAudioStreamAnotherJobRemovedAfterTheLookFindsTheTranscriptAndCutsNothing()
    {
        var audio = new AudioResult($"audio/{Sha}.m4a", Sha, 3, new SourceSite("youtube", "abc123", "A talk", null, 120, "https://example.com/watch?v=abc123"));
        var store = new JoinLandsAfterTheLook(Path.Combine(_home, "race-blobs-split"), TranscriptKey(Sha));
        await store.PutBytesAsync(audio.AudioKey, [1, 2, 3]);
        store.Removes(audio.AudioKey);
        var work = new StageWork("second", WorkId.Split, new JobSpec("https://example.com/watch?v=abc123", Jobs.Small), null, null, null, null,
            Audio: audio);

        var output = Assert.IsType<SpeechSplit>(await RunAsync(store, work));

        Assert.True(store.Landed, "the other job's join never landed: the split did not look for the transcript");
        Assert.Null(output.Plan);
    }

    [Fact]
    public async Task ASplitWhoseLinksAudioStreamIsGoneWithNoTranscriptFailsWithSourceNotFound()
    {
        var audio = new AudioResult($"audio/{Sha}.m4a", Sha, 3, new SourceSite("youtube", "abc123", "A talk", null, 120, "https://example.com/watch?v=abc123"));
        var store = new JoinLandsAfterTheLook(Path.Combine(_home, "race-blobs-none"), null);
        var work = new StageWork("second", WorkId.Split, new JobSpec("https://example.com/watch?v=abc123", Jobs.Small), null, null, null, null,
            Audio: audio);

        var e = await Assert.ThrowsAsync<ClipperException>(() => RunAsync(store, work));

        Assert.Equal(Clipper.Core.Errors.ErrorCode.SourceNotFound, e.Code);
        Assert.Contains(audio.AudioKey, e.Message);
    }

    private static string TranscriptKey(string sha) => BlobLayout.Transcript(sha, fromCaptions: false, "pocketsphinx");

    private static SourceResult Source() => new($"sources/{Sha}.mp4", Sha, "talk.mp4", 120, 1280, 720, 25, 1000, null);

    private async Task<StageOutput> RunAsync(IBlobStore store, StageWork work)
    {
        var adapter = new TranscribeAdapter(store, engine => Transcriber.Standard(new TranscribeOptions(), new Clipper.Core.Remote.OpenAiOptions(), engine),
            "pocketsphinx", 0.5, _cluster.Grains, new JobOptions(), new NoMetrics(), TimeProvider.System, NullLogger.Instance);
        var sources = new SourceCache(store, Path.Combine(_home, "cache"), 1L << 30, NullLogger.Instance);
        using var lease = sources.Hold();
        var dir = Directory.CreateDirectory(Path.Combine(_home, "unit", Guid.NewGuid().ToString("N"))).FullName;
        return await adapter.RunAsync(work, new UnitWorkspace(dir, lease), new Progress<double>(), CancellationToken.None);
    }

    /// <summary>
    /// The embedded blob store, where another job's transcribe unit finishes right after this job's unit first looks for
    /// the transcript (<paramref name="transcriptKey"/>; null: it never does): the transcript is written and the blobs
    /// that job removes once it is stored are removed, as <c>TranscribeAdapter</c>'s join does.
    /// </summary>
    private sealed class JoinLandsAfterTheLook(string root, string? transcriptKey) : IBlobStore
    {
        private readonly FileBlobStore _files = new(root);
        private readonly List<string> _removed = [];

        public bool Landed { get; private set; }

        public void Removes(string key) => _removed.Add(key);

        public async Task<bool> ExistsAsync(string key, CancellationToken cancel = default)
        {
            var exists = await _files.ExistsAsync(key, cancel);
            if (key == transcriptKey && !Landed)
            {
                Landed = true;
                await _files.WriteJsonAsync(key, new Transcript([new Word("hello", 0, 0.5, 0.9)], "pocketsphinx"), cancel);
                foreach (var removed in _removed)
                {
                    await _files.DeleteAsync(removed, cancel);
                }
            }

            return exists;
        }

        public Task PutFileAsync(string key, string file, CancellationToken cancel = default) => _files.PutFileAsync(key, file, cancel);

        public Task PutBytesAsync(string key, byte[] data, CancellationToken cancel = default) => _files.PutBytesAsync(key, data, cancel);

        public Task MoveFileAsync(string key, string file, CancellationToken cancel = default) => _files.MoveFileAsync(key, file, cancel);

        public bool TryGetLocalPath(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? path) =>
            _files.TryGetLocalPath(key, out path);

        public Task DownloadAsync(string key, string target, CancellationToken cancel = default) => _files.DownloadAsync(key, target, cancel);

        public Task<byte[]> GetBytesAsync(string key, CancellationToken cancel = default) => _files.GetBytesAsync(key, cancel);

        public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancel = default) => _files.ListAsync(prefix, cancel);

        public Task DeleteAsync(string key, CancellationToken cancel = default) => _files.DeleteAsync(key, cancel);

        public Uri Url(string key, TimeSpan ttl) => _files.Url(key, ttl);
    }
}
