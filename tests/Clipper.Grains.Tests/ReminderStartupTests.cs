using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Work;
using Clipper.Grains.Jobs;
using Clipper.Grains.Stages;
using Clipper.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Clipper.Grains.Tests;

/// <summary>
/// A silo's reminder service still starting (a silo that just joined answers "Reminder Service is still initializing"
/// for up to 20 s, seen in the cluster's chaos test on a loaded machine) used to fail the submission with internal
/// after the job's state was written, leaving a job that never ran. Here the silo's own reminder table refuses the
/// job's first registration: the submission is accepted, the job runs, and the reminder is registered at a later tick.
/// </summary>
[Trait("Category", "cluster")]
public sealed class ReminderStartupTests : IAsyncLifetime
{
    private readonly string _home = TestMedia.TempDir("reminder-home");
    private readonly ScriptedRunner _runner = new();
    private RefusingReminders _table = null!;
    private JobCluster _cluster = null!;

    public async ValueTask InitializeAsync() =>
        _cluster = await JobCluster.StartAsync(1, _home, configure: silo =>
        {
            silo.Services.AddSingleton<IStageRunner>(_runner);
            // the table the storage registered, wrapped
            var registered = silo.Services.Last(d => d.ServiceType == typeof(IReminderTable));
            silo.Services.Remove(registered);
            silo.Services.AddSingleton<IReminderTable>(sp => _table = new RefusingReminders(registered.ImplementationFactory is { } make
                ? (IReminderTable)make(sp)
                : (IReminderTable)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)));
        });

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_home, true);
    }

    [Fact]
    public async Task AJobWhoseReminderIsRefusedAtFirstIsAcceptedRunsAndRegistersItLater()
    {
        var id = Jobs.NewId("reminder");
        _table.RefuseNext(VideoJobGrain.ReminderName);

        var view = await _cluster.Grains.GetGrain<IVideoJobGrain>(id).Submit(new JobSpec("/scripted/talk.mp4", Jobs.Small));

        Assert.Equal(1, _table.Refused);
        // it ran: the scripted track units wait, so the job is in flight and its timer ticks
        await Wait.Until(() => Task.FromResult(_runner.Starts(id, WorkId.Track(1)) == 1), TimeSpan.FromSeconds(30),
            () => $"the job is {view.Status}", "the job's first track unit to start");
        var grain = (await _table.Registered(VideoJobGrain.ReminderName, TimeSpan.FromSeconds(30)));
        Assert.Contains(id, grain.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The silo's reminder table, refusing the next registration of a reminder as a starting service does.</summary>
    private sealed class RefusingReminders(IReminderTable inner) : IReminderTable
    {
        private readonly TaskCompletionSource<GrainId> _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? _refuse;
        private int _refused;

        public int Refused => Volatile.Read(ref _refused);

        public void RefuseNext(string reminder) => Volatile.Write(ref _refuse, reminder);

        /// <summary>The grain whose reminder of this name was stored after the refusal.</summary>
        public async Task<GrainId> Registered(string reminder, TimeSpan timeout)
        {
            try
            {
                return await _registered.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"no {reminder} reminder was stored within {timeout} after {Refused} refusal(s)");
            }
        }

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

        public async Task<string?> UpsertRow(ReminderEntry entry)
        {
            if (entry.ReminderName == Interlocked.CompareExchange(ref _refuse, null, entry.ReminderName) && entry.ReminderName is not null)
            {
                Interlocked.Increment(ref _refused);
                throw new OrleansException("Reminder Service is still initializing and it is taking a long time. Please retry again later.");
            }

            var etag = await inner.UpsertRow(entry);
            if (Refused > 0)
            {
                _registered.TrySetResult(entry.GrainId);
            }

            return etag;
        }

        public Task<ReminderTableData> ReadRows(GrainId grainId) => inner.ReadRows(grainId);

        public Task<ReminderTableData> ReadRows(uint begin, uint end) => inner.ReadRows(begin, end);

        public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => inner.ReadRow(grainId, reminderName);

        public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => inner.RemoveRow(grainId, reminderName, eTag);

        public Task TestOnlyClearTable() => inner.TestOnlyClearTable();
    }
}
