using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Work;

namespace Clipper.Grains.Jobs;

/// <summary>
/// The units a job dispatched and has not heard back from: each with the token its report must carry, when it was
/// handed over, its live progress and how many liveness checks in a row got no answer. Not persisted: a reactivated
/// job has none, and the plan dispatches again whatever has no result (a running unit keeps running once).
/// </summary>
public sealed class InFlightUnits
{
    private readonly Dictionary<WorkId, Unit> _units = [];

    public IReadOnlyCollection<WorkId> Running => _units.Keys;

    public int Count => _units.Count;

    /// <summary>Live progress (0..1) of each running unit.</summary>
    public IReadOnlyDictionary<WorkId, double> Progress => _units.ToDictionary(kv => kv.Key, kv => kv.Value.Progress);

    /// <param name="silo">the silo the unit was sent to, when the job chose one (<see cref="LeastBusy"/>)</param>
    public void Dispatched(WorkId id, string token, DateTimeOffset now, string? silo = null) => _units[id] = new Unit(token, now) { Silo = silo };

    /// <summary>
    /// The silo the current dispatch of <paramref name="id"/> actually runs on, when not the one it was sent to (its
    /// activation lived on elsewhere); a stale token changes nothing.
    /// </summary>
    public void RanOn(WorkId id, string token, string silo)
    {
        if (_units.TryGetValue(id, out var u) && u.Token == token)
        {
            u.Silo = silo;
        }
    }

    /// <summary>
    /// Where a unit of <paramref name="stage"/> that spreads over the silos should go: the silo among
    /// <paramref name="silos"/> with the fewest of this job's units of that stage in flight, the first in the given order
    /// of those tied. With the job's in-flight limit at the silos' slots, no silo is handed more of the job's units than
    /// it has slots (a unit handed to a busy silo waits there, and dies with it). Null when there is no silo to choose.
    /// </summary>
    public string? LeastBusy(Stage stage, IReadOnlyList<string> silos)
    {
        if (silos.Count == 0)
        {
            return null;
        }

        var busy = _units.Where(kv => kv.Key.Stage == stage && kv.Value.Silo is not null)
            .GroupBy(kv => kv.Value.Silo!).ToDictionary(g => g.Key, g => g.Count());
        return silos.MinBy(s => busy.GetValueOrDefault(s));
    }

    public bool IsCurrent(WorkId id, string token) => _units.TryGetValue(id, out var u) && u.Token == token;

    public string? TokenOf(WorkId id) => _units.TryGetValue(id, out var u) ? u.Token : null;

    /// <summary>Records progress of the current dispatch; false for a stale token or no change.</summary>
    public bool Report(WorkId id, string token, double fraction)
    {
        if (!_units.TryGetValue(id, out var u) || u.Token != token || fraction <= u.Progress)
        {
            return false;
        }

        u.Progress = fraction;
        return true;
    }

    public void Remove(WorkId id) => _units.Remove(id);

    public void Clear() => _units.Clear();

    /// <summary>The running units with their token and the time they were handed over.</summary>
    public IReadOnlyList<(WorkId Id, string Token, DateTimeOffset Since)> Snapshot() =>
        _units.Select(kv => (kv.Key, kv.Value.Token, kv.Value.Since)).ToList();

    /// <summary>Counts a liveness check that got no answer; returns how many in a row.</summary>
    public int Unanswered(WorkId id) => _units.TryGetValue(id, out var u) ? ++u.Unknown : 0;

    public void Answered(WorkId id)
    {
        if (_units.TryGetValue(id, out var u))
        {
            u.Unknown = 0;
        }
    }

    private sealed class Unit(string token, DateTimeOffset since)
    {
        public string Token { get; } = token;

        public DateTimeOffset Since { get; } = since;

        public double Progress { get; set; }

        public int Unknown { get; set; }

        public string? Silo { get; set; }
    }
}
