using System.Text;
using System.Text.Json.Nodes;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Live.Azure;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests.Live;

/// <summary>Activity Log exported to a storage account, read with Azure.Storage.Blobs against a fake of Blob storage.</summary>
public sealed class AzureExportedLogLiveTests
{
    private static string Example => Path.Combine(RepoPaths.Root, "examples", "data", "azure", "activity-log-2026-11-02.json");

    private static BlobFake Fake()
    {
        var blobs = new BlobFake();
        var records = ArmFake.Load(Example).ToList();
        byte[] Lines(IEnumerable<JsonNode> rs) => Encoding.UTF8.GetBytes(string.Concat(rs.Select(r => r.ToJsonString() + "\n")));
        var sub = ArmFake.Subscription;
        // Hour 15 holds the endGetAccess pair, hour 14 the rest; a blob of October lies outside the window.
        blobs.Blobs[BlobFake.HourBlob(sub, new DateTime(2026, 11, 2, 15, 0, 0))] = Lines(records.Take(2));
        blobs.Blobs[BlobFake.HourBlob(sub, new DateTime(2026, 11, 2, 14, 0, 0))] = Lines(records.Skip(2).Take(7));
        blobs.Blobs[BlobFake.HourBlob(sub, new DateTime(2026, 11, 2, 13, 0, 0))] = Lines(records.Skip(9));
        blobs.Blobs[BlobFake.HourBlob(sub, new DateTime(2026, 10, 20, 9, 0, 0))] = Lines(records.Skip(6).Take(1));
        return blobs;
    }

    private static AzureLiveOptions Options(FixedTokenCredential credential) => new()
    {
        SubscriptionIds = { ArmFake.Subscription },
        Credential = credential,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetries = 1,
        Window = new TimeWindow(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 3, 0, 0, 0, DateTimeKind.Utc)),
        UtcNow = () => new DateTime(2026, 11, 10, 0, 0, 0, DateTimeKind.Utc),
    };

    private static string Key(ShareEvent e) => $"{e.EventId}|{e.Operation}|{e.Action}|{e.Grantee}|{e.Succeeded}|{e.ResourceId}|{e.EventTime:o}";

    [Fact]
    public async Task Exported_hour_blobs_of_the_window_give_the_events_of_the_same_records_on_disk()
    {
        var blobs = Fake();
        await using var fake = await LoopbackFake.StartAsync(blobs.Handle);
        var credential = new FixedTokenCredential("storage-token");
        var host = new CollectingScanHost();
        var container = new Uri(fake.Address, $"{BlobFake.Account}/{BlobFake.Container}");
        var source = new AzureExportedLogSource(host, Options(credential), container);

        var live = source.Read(TestContext.Current.CancellationToken).ToList();

        var offline = new ShareLogReader(new CollectingScanHost(), new ShareLogReaderOptions { Providers = new[] { Provider.Azure } }).Read(new[] { Example }, TestContext.Current.CancellationToken).ToList();
        Assert.Equal(offline.Select(Key).OrderBy(k => k), live.Select(Key).OrderBy(k => k));
        Assert.Empty(host.Issues);
        Assert.Equal(3, source.BlobsListed);
        var requests = fake.Requests.ToArray();
        Assert.All(requests, r => Assert.Equal("GET", r.Method));
        Assert.All(requests, r => Assert.Equal("Bearer storage-token", r.Authorization));
        Assert.DoesNotContain(requests, r => r.Path.Contains("/d=20/"));
        Assert.Contains(requests, r => r.Query.Contains($"prefix=resourceId=/SUBSCRIPTIONS/{ArmFake.Subscription.ToUpperInvariant()}/y=2026/m=11/d=02/"));
        Assert.Contains("https://storage.azure.com/.default", credential.Scopes);
    }

    [Fact]
    public async Task A_blob_that_fails_is_reported_and_the_other_blobs_are_read_and_a_SAS_never_shows()
    {
        var blobs = Fake();
        blobs.Failing.Add(BlobFake.HourBlob(ArmFake.Subscription, new DateTime(2026, 11, 2, 15, 0, 0)));
        await using var fake = await LoopbackFake.StartAsync(blobs.Handle);
        var host = new CollectingScanHost();
        var container = new Uri(fake.Address, $"{BlobFake.Account}/{BlobFake.Container}?sv=2024-11-04&sr=c&sp=rl&se=2026-12-01T00%3A00%3A00Z&sig=c2VjcmV0c2lnbmF0dXJl");
        var credential = new FixedTokenCredential("unused");
        var source = new AzureExportedLogSource(host, Options(credential), container);

        var live = source.Read(TestContext.Current.CancellationToken).ToList();

        Assert.DoesNotContain(live, e => e.Operation.Contains("endGetAccess", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(live, e => e.Operation == AzureOperationsNames.SnapshotBeginGetAccess);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.SourceFailed, issue.Kind);
        Assert.Contains("h=15", issue.Message);
        Assert.Contains("500", issue.Message);
        Assert.DoesNotContain("sig=", issue.Message);
        Assert.DoesNotContain(host.VerboseMessages, m => m.Contains("sig=") || m.Contains("c2VjcmV0"));
        Assert.Equal(0, credential.Calls); // the SAS is the credential
        Assert.All(fake.Requests, r => Assert.Contains("sig=", r.Query));
    }
}

internal static class AzureOperationsNames
{
    public const string SnapshotBeginGetAccess = "Microsoft.Compute/snapshots/beginGetAccess/action";
}
