using System.Text.Json.Nodes;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Live.Azure;
using TransferDetect.Engine.Model;
using Xunit;

namespace TransferDetect.Engine.Tests.Live;

/// <summary>Current sharing state read from a fake of ARM (disks, snapshots, galleries, storage accounts) and judged by the trust zone.</summary>
public sealed class AzureShareStateLiveTests
{
    private static readonly DateTime Now = new(2026, 11, 10, 12, 0, 0, DateTimeKind.Utc);
    private const string Sub = ArmFake.Subscription;

    private static AzureLiveOptions Options(LoopbackFake fake, string token = "token-1") => new()
    {
        SubscriptionIds = { Sub },
        TenantId = ArmFake.Tenant,
        ArmEndpoint = fake.Address,
        Credential = new FixedTokenCredential(token),
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetries = 1,
        UtcNow = () => Now,
    };

    [Fact]
    public async Task Open_SAS_exports_outside_galleries_and_loose_storage_accounts_become_findings()
    {
        var arm = ArmFake.WithState();
        await using var fake = await LoopbackFake.StartAsync(arm.Handle);
        var host = new CollectingScanHost();
        var source = new AzureShareStateSource(host, Options(fake));

        var events = source.Read(TestContext.Current.CancellationToken).ToList();

        Assert.Empty(host.Issues);
        Assert.Equal(
            new[] { "disks/disk-exported", "snapshots/snap-db", "galleries/partners", "galleries/community", "storageAccounts/stpublic", "storageAccounts/stpublic" },
            events.Select(e => e.ResourceId!.Substring(e.ResourceId.LastIndexOf('/', e.ResourceId.LastIndexOf('/') - 1) + 1)));
        Assert.All(events, e => Assert.Equal(Now, e.EventTime));
        Assert.All(events, e => Assert.Equal(Sub, e.AccountId));
        Assert.Equal("ActiveSASFrozen", events[1].Status);

        var zone = TrustZone.Empty;
        zone.AddAzureTenant(ArmFake.Tenant);
        var detector = new ExternalShareDetector(zone);
        var findings = events.Select(detector.Evaluate).Where(f => f != null).Select(f => f!).ToList();
        Assert.Equal(6, findings.Count);
        Assert.Equal(Severity.High, findings[0].Severity);
        Assert.Contains("SAS URI", findings[0].Reason);
        Assert.Contains(ArmFake.ForeignTenant, findings[2].Reason);
        Assert.DoesNotContain(ArmFake.Tenant, findings[2].Reason);
        Assert.Contains("anonymous (public) blob access", findings[4].Reason, StringComparison.OrdinalIgnoreCase);
        // 2 disk pages + snapshots + galleries + partners by id + resources + 2 accounts by id
        Assert.Equal(8, fake.Requests.Count);
        Assert.Contains(fake.Requests, r => r.Path.EndsWith("/galleries/partners") && r.Query.Contains("$select=Permissions"));
        Assert.Contains(fake.Requests, r => r.Path.EndsWith("/resources") && r.Query.Contains("$filter=resourceType eq 'Microsoft.Storage/storageAccounts'"));
    }

    [Fact]
    public async Task A_failing_list_is_reported_and_the_other_lists_are_still_read()
    {
        var arm = ArmFake.WithState();
        arm.FailingPaths[$"/subscriptions/{Sub}/providers/Microsoft.Compute/galleries"] = 503;
        await using var fake = await LoopbackFake.StartAsync(arm.Handle);
        var host = new CollectingScanHost();
        var source = new AzureShareStateSource(host, Options(fake));

        var events = source.Read(TestContext.Current.CancellationToken).ToList();

        Assert.DoesNotContain(events, e => e.ResourceType == "AzureGallery");
        Assert.Contains(events, e => e.ResourceType == "AzureDisk");
        Assert.Contains(events, e => e.ResourceType == "StorageAccount");
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.SourceFailed, issue.Kind);
        Assert.Contains("galleries", issue.Message);
        Assert.Contains("503", issue.Message);
        Assert.Contains(Sub, issue.Message);
        Assert.Equal(2, fake.Requests.Count(r => r.Path.EndsWith("/galleries"))); // one retry (MaxRetries 1)
    }

    [Fact]
    public async Task A_refused_credential_stops_the_state_read_with_a_clear_error()
    {
        await using var fake = await LoopbackFake.StartAsync(ArmFake.WithState().Handle);
        var source = new AzureShareStateSource(new CollectingScanHost(), Options(fake, ArmFake.ExpiredToken));

        var e = Assert.Throws<AzureLiveException>(() => source.Read(TestContext.Current.CancellationToken).ToList());

        Assert.Equal(401, e.Status);
        Assert.DoesNotContain(ArmFake.ExpiredToken, e.Message);
        Assert.Contains("sign in again", e.Message);
    }
}
