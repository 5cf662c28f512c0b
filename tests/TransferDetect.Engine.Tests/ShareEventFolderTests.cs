using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using Xunit;

namespace TransferDetect.Engine.Tests;

public class ShareEventFolderTests
{
    /// <summary>Folds events with the same CorrelationId: ids collected, the later status kept.</summary>
    private sealed class ByCorrelation : IShareEventFold
    {
        public string? KeyOf(ShareEvent e) => e.CorrelationId;

        /// <summary>Operations named "long" may fold across a day.</summary>
        public TimeSpan? WindowOf(ShareEvent e) => e.Operation == "long" ? TimeSpan.FromDays(1) : null;

        public ShareEvent Merge(ShareEvent earlier, ShareEvent later) => new()
        {
            EventId = earlier.EventId,
            Provider = earlier.Provider,
            Operation = earlier.Operation,
            EventTime = earlier.EventTime < later.EventTime ? earlier.EventTime : later.EventTime,
            CorrelationId = earlier.CorrelationId,
            Status = later.Status,
            RelatedEventIds = earlier.RelatedEventIds.Append(later.EventId!).ToArray(),
        };
    }

    private static readonly DateTime T0 = new(2026, 11, 2, 14, 0, 0, DateTimeKind.Utc);

    private static ShareEvent E(string id, int minutes, string? correlation, string status = "Started", Provider provider = Provider.Azure) => new()
    {
        EventId = id,
        Provider = provider,
        Operation = "op",
        EventTime = T0.AddMinutes(minutes),
        CorrelationId = correlation,
        Status = status,
    };

    private static (List<ShareEvent> Output, ScanStatistics Stats) Fold(IEnumerable<ShareEvent> input, int capacity = 100, double windowMinutes = 60)
    {
        var stats = new ScanStatistics();
        var fold = new ByCorrelation();
        var folder = new ShareEventFolder(p => p == Provider.Azure ? fold : null, TimeSpan.FromMinutes(windowMinutes), capacity, stats);
        return (folder.Apply(input).ToList(), stats);
    }

    [Fact]
    public void Records_of_one_operation_become_one_event_in_the_place_of_the_first()
    {
        var (output, stats) = Fold(new[] { E("a1", 0, "c1"), E("b", 1, null), E("a2", 2, "c1", "Accepted"), E("a3", 3, "c1", "Succeeded") });
        Assert.Equal(new[] { "a1", "b" }, output.Select(e => e.EventId));
        Assert.Equal("Succeeded", output[0].Status);
        Assert.Equal(new[] { "a2", "a3" }, output[0].RelatedEventIds);
        Assert.Equal(2, stats.FoldedEvents);
    }

    [Fact]
    public void Newest_first_exports_fold_the_same_way()
    {
        var (output, _) = Fold(new[] { E("a3", 3, "c1", "Succeeded"), E("a1", 0, "c1") });
        var e = Assert.Single(output);
        Assert.Equal(T0, e.EventTime);
        Assert.Equal("Started", e.Status);
    }

    [Fact]
    public void Records_further_apart_than_the_window_stay_separate()
    {
        var (output, stats) = Fold(new[] { E("a1", 0, "c1"), E("a2", 61, "c1") });
        Assert.Equal(new[] { "a1", "a2" }, output.Select(e => e.EventId));
        Assert.Equal(0, stats.FoldedEvents);
    }

    [Fact]
    public void A_fold_may_give_an_event_a_longer_window_than_the_reader_default()
    {
        var begin = new ShareEvent { EventId = "b", Provider = Provider.Azure, Operation = "long", EventTime = T0, CorrelationId = "r", Status = "Started" };
        var end = new ShareEvent { EventId = "e", Provider = Provider.Azure, Operation = "long", EventTime = T0.AddHours(5), CorrelationId = "r", Status = "Succeeded" };
        var (output, _) = Fold(new[] { begin, E("x", 120, "other"), end });
        Assert.Equal(new[] { "b", "x" }, output.Select(e => e.EventId));
        Assert.Equal(new[] { "e" }, output[0].RelatedEventIds);
    }

    [Fact]
    public void Providers_without_a_fold_are_never_merged_even_with_equal_correlation_ids()
    {
        var (output, _) = Fold(new[] { E("x1", 0, "c1", provider: Provider.Gcp), E("x2", 0, "c1", provider: Provider.Gcp) });
        Assert.Equal(2, output.Count);
    }

    [Fact]
    public void Events_are_released_once_the_stream_moves_past_the_window_so_memory_stays_bounded()
    {
        var released = new List<string>();
        var stats = new ScanStatistics();
        var fold = new ByCorrelation();
        var folder = new ShareEventFolder(_ => fold, TimeSpan.FromMinutes(60), 1000, stats);
        IEnumerable<ShareEvent> Input()
        {
            yield return E("a", 0, "c-a");
            yield return E("b", 30, "c-b");
            Assert.Empty(released); // both may still get records
            yield return E("c", 90, "c-c");
            Assert.Equal(new[] { "a" }, released); // a is more than an hour behind
            yield return E("d", 200, "c-d");
            Assert.Equal(new[] { "a", "b", "c" }, released);
        }
        foreach (var e in folder.Apply(Input())) released.Add(e.EventId!);
        Assert.Equal(new[] { "a", "b", "c", "d" }, released);
    }

    [Fact]
    public void The_capacity_bounds_the_events_held_back()
    {
        var input = Enumerable.Range(0, 50).Select(i => E("e" + i, 0, "c" + i)).ToList();
        var held = new List<int>();
        var stats = new ScanStatistics();
        var folder = new ShareEventFolder(_ => new ByCorrelation(), TimeSpan.FromHours(1), 5, stats);
        int fed = 0, released = 0;
        IEnumerable<ShareEvent> Input()
        {
            foreach (var e in input)
            {
                fed++;
                held.Add(fed - released);
                yield return e;
            }
        }
        foreach (var _ in folder.Apply(Input())) released++;
        Assert.Equal(50, released);
        Assert.True(held.Max() <= 6, $"held back up to {held.Max()} events with a capacity of 5");
    }
}
