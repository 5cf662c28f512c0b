using System;
using System.Collections.Generic;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources;

/// <summary>
/// Folds the events of one operation (same fold key, close in time) into one, over a stream, in
/// bounded memory. Events keep the order of their first record; an event whose operation may still
/// get records waits (and the events behind it with it) until the stream is more than the fold window
/// away from it in time, in either direction (exports come oldest-first or newest-first), or until the
/// capacity is reached.
/// </summary>
internal sealed class ShareEventFolder
{
    private readonly Func<Provider, IShareEventFold?> _foldOf;
    private readonly TimeSpan _window;
    private readonly int _capacity;
    private readonly ScanStatistics _statistics;

    public ShareEventFolder(Func<Provider, IShareEventFold?> foldOf, TimeSpan window, int capacity, ScanStatistics statistics)
    {
        _foldOf = foldOf;
        _window = window;
        _capacity = Math.Max(1, capacity);
        _statistics = statistics;
    }

    private sealed class Entry
    {
        public Entry(ShareEvent e, (Provider, string)? key, TimeSpan window)
        {
            Event = e;
            Key = key;
            Time = e.EventTime;
            Window = window;
        }

        public readonly TimeSpan Window;

        public ShareEvent Event;
        public int Folded;
        public readonly (Provider, string)? Key;
        public readonly DateTime Time;
    }

    public IEnumerable<ShareEvent> Apply(IEnumerable<ShareEvent> events)
    {
        var queue = new LinkedList<Entry>();
        // Keyed by provider and the fold's key (ordinal), without making a string of the two for every event.
        var open = new Dictionary<(Provider, string), LinkedListNode<Entry>>();
        foreach (var e in events)
        {
            var fold = _foldOf(e.Provider);
            string? foldKey = fold?.KeyOf(e);
            (Provider, string)? key = foldKey == null ? null : (e.Provider, foldKey);
            if (key != null && open.TryGetValue(key.Value, out var node) && Near(node.Value.Time, e.EventTime, node.Value.Window))
            {
                node.Value.Event = fold!.Merge(node.Value.Event, e);
                node.Value.Folded++;
                _statistics.FoldedEvents++;
            }
            else
            {
                var added = queue.AddLast(new Entry(e, key, (key != null ? fold!.WindowOf(e) : null) ?? _window));
                if (key != null) open[key.Value] = added;
            }
            while (queue.Count > 0)
            {
                var head = queue.First!;
                bool closed = head.Value.Key == null || queue.Count > _capacity || !Near(head.Value.Time, e.EventTime, head.Value.Window);
                if (!closed) break;
                queue.RemoveFirst();
                if (head.Value.Key is { } headKey && open.TryGetValue(headKey, out var current) && current == head) open.Remove(headKey);
                if (Keep(head.Value)) yield return head.Value.Event;
            }
        }
        foreach (var entry in queue)
        {
            if (Keep(entry)) yield return entry.Event;
        }
    }

    /// <summary>An outcome-only event that found no record of its operation to complete was never a share event (nor were those folded into it).</summary>
    private bool Keep(Entry entry)
    {
        if (!entry.Event.OutcomeOnly) return true;
        _statistics.ShareEvents -= 1 + entry.Folded;
        _statistics.FoldedEvents -= entry.Folded;
        return false;
    }

    /// <summary>
    /// The ids a merged event names besides its own (<paramref name="id"/>): those of both events and of
    /// what was already folded into them, in that order, each once.
    /// </summary>
    internal static IReadOnlyList<string> RelatedIds(string? id, ShareEvent x, ShareEvent y)
    {
        var list = new List<string>();
        void Add(string? v)
        {
            if (v != null && v != id && !list.Contains(v)) list.Add(v);
        }
        Add(x.EventId);
        foreach (var r in x.RelatedEventIds) Add(r);
        Add(y.EventId);
        foreach (var r in y.RelatedEventIds) Add(r);
        return list;
    }

    private static bool Near(DateTime a, DateTime b, TimeSpan window) => (a > b ? a - b : b - a) <= window;
}
