using Clipper.Persistence.Tests.Fixtures;
using Clipper.Persistence.Tests.Grains;
using Clipper.TestSupport;

namespace Clipper.Persistence.Tests;

/// <summary>Orleans reminders through Clipper's SQL, the same checks on SQLite and PostgreSQL.</summary>
public abstract class ReminderContract<TFixture>(TFixture fixture) where TFixture : StorageFixture
{
    protected TFixture Fixture { get; } = fixture;

    // Rows written straight into the table start a day from now, outside the reminder service's loading
    // window, so the running silo never tries to deliver them.
    private static ReminderEntry Entry(GrainId grain, string name, TimeSpan? period = null) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = WholeMilliseconds(DateTime.UtcNow.AddDays(1)),
        Period = period ?? TimeSpan.FromDays(1),
    };

    private static DateTime WholeMilliseconds(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    private static GrainId NewGrainId() => GrainId.Create("alarm", "table-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task RegisteredReminderIsListedFiresAndUnregisters()
    {
        var grain = Fixture.Cluster.Client.GetGrain<IAlarmGrain>("fire-" + Guid.NewGuid().ToString("N"));
        await grain.Register("often", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        await grain.Register("rarely", TimeSpan.FromHours(1), TimeSpan.FromHours(1));

        Assert.Equal(["often", "rarely"], await grain.Names());
        var rows = await Fixture.Reminders.ReadRows(grain.GetGrainId());
        Assert.Equal(["often", "rarely"], rows.Reminders.Select(r => r.ReminderName).Order(StringComparer.Ordinal));
        Assert.All(rows.Reminders, r => Assert.Equal(grain.GetGrainId(), r.GrainId));
        Assert.Equal(TimeSpan.FromHours(1), rows.Reminders.Single(r => r.ReminderName == "rarely").Period);

        await Wait.Until(async () => await grain.Ticks("often") >= 2, TimeSpan.FromSeconds(30));
        Assert.Equal(0, await grain.Ticks("rarely"));

        await grain.Unregister("often");
        await grain.Unregister("rarely");
        Assert.Empty(await grain.Names());
        Assert.Empty((await Fixture.Reminders.ReadRows(grain.GetGrainId())).Reminders);
    }

    [Fact]
    public async Task UpsertChangesTheETagAndRoundTripsTheEntry()
    {
        var table = Fixture.Reminders;
        var entry = Entry(NewGrainId(), "upsert");
        var first = await table.UpsertRow(entry);
        Assert.False(string.IsNullOrEmpty(first));

        // a period beyond int.MaxValue milliseconds travels as a 64-bit number
        var changed = Entry(entry.GrainId, "upsert", TimeSpan.FromDays(40));
        changed.StartAt = entry.StartAt.AddMinutes(5);
        var second = await table.UpsertRow(changed);
        Assert.NotEqual(first, second);

        var read = await table.ReadRow(entry.GrainId, "upsert");
        Assert.NotNull(read);
        Assert.Equal(second, read.ETag);
        Assert.Equal(entry.GrainId, read.GrainId);
        Assert.Equal(TimeSpan.FromDays(40), read.Period);
        Assert.Equal(changed.StartAt, read.StartAt);
        Assert.Equal(DateTimeKind.Utc, read.StartAt.Kind);
        Assert.Null(await table.ReadRow(entry.GrainId, "no such reminder"));

        Assert.True(await table.RemoveRow(entry.GrainId, "upsert", second!));
    }

    [Fact]
    public async Task RemoveRowReportsWhetherItRemovedAndNeverThrows()
    {
        var table = Fixture.Reminders;
        var entry = Entry(NewGrainId(), "remove");
        var etag = await table.UpsertRow(entry);
        Assert.NotNull(etag);
        var stale = (int.Parse(etag, System.Globalization.CultureInfo.InvariantCulture) + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.False(await table.RemoveRow(entry.GrainId, "remove", stale));
        Assert.NotNull(await table.ReadRow(entry.GrainId, "remove"));

        Assert.True(await table.RemoveRow(entry.GrainId, "remove", etag));
        Assert.Null(await table.ReadRow(entry.GrainId, "remove"));
        Assert.False(await table.RemoveRow(entry.GrainId, "remove", etag));
        Assert.False(await table.RemoveRow(NewGrainId(), "never registered", "1"));
    }

    [Fact]
    public async Task RangeReadsCoverPlainAndWrappingRanges()
    {
        var table = Fixture.Reminders;

        // six grains whose hashes fall on both sides of zero when read as signed numbers
        List<ReminderEntry> entries;
        do
        {
            entries = [.. Enumerable.Range(0, 6).Select(_ => Entry(NewGrainId(), "range"))];
        }
        while (!entries.Any(e => (int)e.GrainId.GetUniformHashCode() < 0) || !entries.Any(e => (int)e.GrainId.GetUniformHashCode() > 0));

        foreach (var entry in entries)
        {
            entry.ETag = await table.UpsertRow(entry);
        }

        try
        {
            var signed = entries.Select(e => (int)e.GrainId.GetUniformHashCode()).Order().ToArray();
            var ours = entries.Select(e => e.GrainId).ToHashSet();

            // begin < end (signed): the first range query, (s0, s3]
            await AssertRangeAsync((uint)signed[0], (uint)signed[3]);
            // begin > end (signed): the second, wrapping past the top, (s4, max] and [min, s1]
            await AssertRangeAsync((uint)signed[4], (uint)signed[1]);
            // a range across the signed boundary that does not wrap unsigned, and one that wraps unsigned
            await AssertRangeAsync(0x7FFFFFF0u, 0x80000010u);
            await AssertRangeAsync(0xFFFFFFF0u, 0x00000010u);
            await AssertRangeAsync((uint)signed[1], 0x7FFFFFFFu);
            // begin == end is the whole ring
            await AssertRangeAsync((uint)signed[2], (uint)signed[2]);

            async Task AssertRangeAsync(uint begin, uint end)
            {
                var rows = (await table.ReadRows(begin, end)).Reminders;
                Assert.All(rows, r => Assert.True(InRing(r.GrainId.GetUniformHashCode(), begin, end), $"{r.GrainId} outside ({begin}, {end}]"));
                var expected = entries.Where(e => InRing(e.GrainId.GetUniformHashCode(), begin, end)).Select(e => e.GrainId).Order().ToList();
                var found = rows.Where(r => ours.Contains(r.GrainId)).Select(r => r.GrainId).Order().ToList();
                Assert.Equal(expected, found);
            }
        }
        finally
        {
            foreach (var entry in entries)
            {
                await table.RemoveRow(entry.GrainId, "range", entry.ETag!);
            }
        }
    }

    // Orleans' ring range (begin, end] over unsigned hashes; begin >= end wraps past zero.
    private static bool InRing(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}
