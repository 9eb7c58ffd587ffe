using System.Diagnostics;
using Clipper.Persistence.Tests.Fixtures;
using Clipper.Persistence.Tests.Grains;
using Orleans.Storage;

namespace Clipper.Persistence.Tests;

/// <summary>Orleans grain storage through Clipper's SQL, the same checks on SQLite and PostgreSQL.</summary>
public abstract class GrainStorageContract<TFixture>(TFixture fixture) where TFixture : StorageFixture
{
    protected TFixture Fixture { get; } = fixture;

    private IGrainFactory Grains => Fixture.Cluster.Client;

    [Fact]
    public async Task StateWrittenByOneActivationIsReadByTheNext()
    {
        var key = "job-" + Guid.NewGuid().ToString("N");
        var grain = Grains.GetGrain<INoteGrain>(key);
        Assert.False(await grain.RecordExists());
        Assert.Null(await grain.ETag());

        await grain.Write("first");
        var firstETag = await grain.ETag();
        await grain.Write("second");
        var etag = await grain.ETag();
        Assert.NotNull(firstETag);
        Assert.NotEqual(firstETag, etag);

        await Fixture.Cluster.DeactivateAsync(grain);
        var state = await grain.Read();
        Assert.Equal("second", state.Text);
        Assert.Equal(2, state.Writes);
        Assert.True(await grain.RecordExists());
        Assert.Equal(etag, await grain.ETag());

        // one row, keyed by the state name and the string key, no numeric key parts
        var rows = await Fixture.RowsAsync(
            "SELECT key_n0, key_n1, key_string, version FROM clipper_grain_state WHERE state_name = 'note' AND key_string = @key",
            ("@key", key));
        var row = Assert.Single(rows);
        Assert.Equal(0L, Convert.ToInt64(row[0]));
        Assert.Equal(0L, Convert.ToInt64(row[1]));
        Assert.Equal(etag, Convert.ToInt64(row[3]).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task StaleWriteRaisesInconsistentStateException()
    {
        var grain = Grains.GetGrain<INoteGrain>("stale-" + Guid.NewGuid().ToString("N"));
        await grain.Write("mine");

        // Another writer (say, a second activation on a silo that lost track of the first) moves the row on.
        var storage = Fixture.Storage();
        var other = new GrainState<NoteState>();
        await storage.ReadStateAsync("note", grain.GetGrainId(), other);
        Assert.Equal("mine", other.State!.Text);
        other.State!.Text = "theirs";
        await storage.WriteStateAsync("note", grain.GetGrainId(), other);

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Write("mine again"));

        var stored = new GrainState<NoteState>();
        await storage.ReadStateAsync("note", grain.GetGrainId(), stored);
        Assert.Equal("theirs", stored.State!.Text);
        Assert.Equal(other.ETag, stored.ETag);
    }

    [Fact]
    public async Task WritesWithoutTheCurrentVersionAreRejected()
    {
        var storage = Fixture.Storage();
        var id = Grains.GetGrain<INoteGrain>("versions-" + Guid.NewGuid().ToString("N")).GetGrainId();

        var first = new GrainState<NoteState>(new NoteState { Text = "a" });
        await storage.WriteStateAsync("note", id, first);
        Assert.NotNull(first.ETag);
        Assert.True(first.RecordExists);

        // a second "first write" (no ETag) must not overwrite the existing row
        var duplicate = new GrainState<NoteState>(new NoteState { Text = "b" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("note", id, duplicate));

        // nor may a write or a clear that carries an old version
        var stale = new GrainState<NoteState>(new NoteState { Text = "c" }) { ETag = first.ETag };
        await storage.WriteStateAsync("note", id, first);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("note", id, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("note", id, stale));

        var stored = new GrainState<NoteState>();
        await storage.ReadStateAsync("note", id, stored);
        Assert.Equal("a", stored.State!.Text);
        Assert.Equal(first.ETag, stored.ETag);
    }

    [Fact]
    public async Task VersionWrapsInsteadOfOverflowingAnInt32()
    {
        var storage = Fixture.Storage();
        var key = "wrap-" + Guid.NewGuid().ToString("N");
        var id = Grains.GetGrain<INoteGrain>(key).GetGrainId();
        await storage.WriteStateAsync("note", id, new GrainState<NoteState>(new NoteState { Text = "old" }));
        await Fixture.ExecuteAsync("UPDATE clipper_grain_state SET version = 2147483647 WHERE key_string = @key", ("@key", key));

        var state = new GrainState<NoteState>();
        await storage.ReadStateAsync("note", id, state);
        Assert.Equal("2147483647", state.ETag);
        state.State!.Text = "new";
        await storage.WriteStateAsync("note", id, state);
        Assert.Equal("1", state.ETag);
    }

    [Fact]
    public async Task ClearDropsThePayloadAndKeepsAVersion()
    {
        var key = "clear-" + Guid.NewGuid().ToString("N");
        var grain = Grains.GetGrain<INoteGrain>(key);
        await grain.Write("to be cleared");
        var written = await grain.ETag();

        await grain.Clear();
        Assert.Equal("", (await grain.Read()).Text);
        Assert.False(await grain.RecordExists());
        var cleared = await grain.ETag();
        Assert.NotNull(cleared);
        Assert.NotEqual(written, cleared);

        var row = Assert.Single(await Fixture.RowsAsync(
            "SELECT payload FROM clipper_grain_state WHERE state_name = 'note' AND key_string = @key", ("@key", key)));
        Assert.Null(row[0]);

        // a new activation sees the cleared state, and can write on top of it
        await Fixture.Cluster.DeactivateAsync(grain);
        Assert.False(await grain.RecordExists());
        Assert.Equal(cleared, await grain.ETag());
        Assert.Equal(0, (await grain.Read()).Writes);
        await grain.Write("again");
        await Fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal("again", (await grain.Read()).Text);
        Assert.True(await grain.RecordExists());
    }

    [Fact]
    public async Task DeleteOnClearRemovesTheRow()
    {
        var storage = Fixture.Storage(StorageFixture.Deleting);
        var key = "delete-" + Guid.NewGuid().ToString("N");
        var id = Grains.GetGrain<INoteGrain>(key).GetGrainId();
        var state = new GrainState<NoteState>(new NoteState { Text = "short-lived" });
        await storage.WriteStateAsync("note", id, state);
        Assert.Equal(1, await Fixture.CountAsync("SELECT count(*) FROM clipper_grain_state WHERE key_string = @key", ("@key", key)));

        await storage.ClearStateAsync("note", id, state);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(0, await Fixture.CountAsync("SELECT count(*) FROM clipper_grain_state WHERE key_string = @key", ("@key", key)));

        // the key starts over: a write without a version inserts again
        state.State = new NoteState { Text = "reborn" };
        await storage.WriteStateAsync("note", id, state);
        var read = new GrainState<NoteState>();
        await storage.ReadStateAsync("note", id, read);
        Assert.Equal("reborn", read.State!.Text);
    }

    [Fact]
    public async Task LongAndGuidKeysWithAndWithoutExtensionKeepSeparateRows()
    {
        var number = Random.Shared.NextInt64(1, long.MaxValue);
        var guid = Guid.NewGuid();
        INotes[] grains =
        [
            Grains.GetGrain<ILongNoteGrain>(number),
            Grains.GetGrain<ILongCompoundNoteGrain>(number, "x"),
            Grains.GetGrain<ILongCompoundNoteGrain>(number, "y"),
            Grains.GetGrain<IGuidNoteGrain>(guid),
            Grains.GetGrain<IGuidCompoundNoteGrain>(guid, "x"),
        ];
        for (var i = 0; i < grains.Length; i++)
        {
            await grains[i].Write($"grain {i}");
        }

        foreach (var grain in grains)
        {
            await Fixture.Cluster.DeactivateAsync((IAddressable)grain);
        }

        for (var i = 0; i < grains.Length; i++)
        {
            Assert.Equal($"grain {i}", (await grains[i].Read()).Text);
        }

        var longRows = await Fixture.RowsAsync(
            "SELECT key_n0, key_n1, key_string FROM clipper_grain_state WHERE state_name = 'long-note' AND key_n1 = @n ORDER BY key_string",
            ("@n", number));
        Assert.Equal(3, longRows.Count);
        Assert.All(longRows, r => Assert.Equal(0L, Convert.ToInt64(r[0])));
        Assert.Equal([null, "x", "y"], longRows.Select(r => (string?)r[2]).OrderBy(s => s, StringComparer.Ordinal));

        var bytes = guid.ToByteArray();
        var guidRows = await Fixture.RowsAsync(
            "SELECT key_string FROM clipper_grain_state WHERE state_name = 'guid-note' AND key_n0 = @n0 AND key_n1 = @n1",
            ("@n0", BitConverter.ToInt64(bytes, 0)), ("@n1", BitConverter.ToInt64(bytes, 8)));
        Assert.Equal([null, "x"], guidRows.Select(r => (string?)r[0]).OrderBy(s => s, StringComparer.Ordinal));
    }

    [Fact]
    public async Task TwoHundredConcurrentWritesAllLand()
    {
        const int Count = 200;
        var prefix = "bulk-" + Guid.NewGuid().ToString("N")[..8] + "-";
        var grains = Enumerable.Range(0, Count).Select(i => Grains.GetGrain<INoteGrain>(prefix + i)).ToArray();

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(grains.Select((g, i) => g.Write($"first {i}")));
        await Task.WhenAll(grains.Select((g, i) => g.Write($"second {i}")));
        clock.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{typeof(TFixture).Name}: {2 * Count} writes from {Count} grains at once in {clock.ElapsedMilliseconds} ms");

        Assert.Equal(Count, await Fixture.CountAsync(
            "SELECT count(*) FROM clipper_grain_state WHERE state_name = 'note' AND key_string LIKE @prefix AND payload IS NOT NULL",
            ("@prefix", prefix + "%")));
        var storage = Fixture.Storage();
        for (var i = 0; i < Count; i += 37)
        {
            var state = new GrainState<NoteState>();
            await storage.ReadStateAsync("note", grains[i].GetGrainId(), state);
            Assert.Equal($"second {i}", state.State!.Text);
            Assert.Equal(2, state.State!.Writes);
        }
    }
}
