using System;
using System.Collections.Generic;
using System.Linq;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Reports;

/// <summary>
/// The marks of one row of the timeline, in bounded memory: one mark per share while there are at
/// most <see cref="Capacity"/>; beyond that the time slots double in length (1 s, 2 s, 4 s, ...) and
/// shares of the same severity (and outcome) in one slot become one mark that counts them (its first and last time
/// kept). The same shares in the same order give the same marks.
/// </summary>
internal sealed class TimeMarks
{
    internal sealed class Mark
    {
        public Severity Severity;
        public bool Attempt;
        public long Count;
        public long FirstTicks;
        public long LastTicks;
    }

    private Dictionary<(long Slot, Severity Severity, bool Attempt), Mark> _marks = new();
    private readonly List<Mark> _singles = new(); // one per share until the capacity is reached

    public TimeMarks(int capacity) => Capacity = Math.Max(4, capacity);

    public int Capacity { get; }

    /// <summary>Length of a slot in ticks; 0 while every share is its own mark.</summary>
    public long SlotTicks { get; private set; }

    public long Count { get; private set; }

    public void Add(DateTime time, Severity severity, bool attempt = false, long count = 1) => Add(time.Ticks, time.Ticks, severity, attempt, count);

    public void Add(long firstTicks, long lastTicks, Severity severity, bool attempt, long count)
    {
        Count += count;
        if (SlotTicks == 0)
        {
            _singles.Add(new Mark { Severity = severity, Attempt = attempt, Count = count, FirstTicks = firstTicks, LastTicks = lastTicks });
            if (_singles.Count <= Capacity) return;
            SlotTicks = TimeSpan.TicksPerSecond;
            foreach (var m in _singles) Merge(_marks, m);
            _singles.Clear();
        }
        else
        {
            Merge(_marks, new Mark { Severity = severity, Attempt = attempt, Count = count, FirstTicks = firstTicks, LastTicks = lastTicks });
        }
        while (_marks.Count > Capacity)
        {
            SlotTicks *= 2;
            var coarser = new Dictionary<(long, Severity, bool), Mark>();
            foreach (var m in _marks.Values) Merge(coarser, m);
            _marks = coarser;
        }
    }

    private void Merge(Dictionary<(long, Severity, bool), Mark> into, Mark m)
    {
        var key = (m.FirstTicks / SlotTicks, m.Severity, m.Attempt);
        if (into.TryGetValue(key, out var have))
        {
            have.Count += m.Count;
            have.FirstTicks = Math.Min(have.FirstTicks, m.FirstTicks);
            have.LastTicks = Math.Max(have.LastTicks, m.LastTicks);
        }
        else
        {
            into[key] = new Mark { Severity = m.Severity, Attempt = m.Attempt, Count = m.Count, FirstTicks = m.FirstTicks, LastTicks = m.LastTicks };
        }
    }

    /// <summary>The marks, lowest severity first (so the most severe are drawn on top), then by time.</summary>
    public IEnumerable<Mark> Marks() =>
        (SlotTicks == 0 ? (IEnumerable<Mark>)_singles : _marks.Values)
        .OrderBy(m => m.Severity).ThenBy(m => m.Attempt).ThenBy(m => m.FirstTicks).ThenBy(m => m.LastTicks).ThenBy(m => m.Count);

    public void AddAll(TimeMarks other)
    {
        foreach (var m in other.Marks()) Add(m.FirstTicks, m.LastTicks, m.Severity, m.Attempt, m.Count);
    }
}
