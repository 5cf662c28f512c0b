using System.Text;
using System.Text.RegularExpressions;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Live.Azure;
using TransferDetect.Engine.Live.M365;
using TransferDetect.Engine.Model;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests.Live;

/// <summary>The live sources only read, and the README lists exactly the permissions the code declares.</summary>
public sealed class LiveReadOnlyTests
{
    [Fact]
    public async Task Every_live_Azure_and_M365_path_sends_only_GET_requests()
    {
        var arm = ArmFake.WithState();
        arm.ActivityRecords.AddRange(ArmFake.Load(Path.Combine(RepoPaths.Root, "examples", "data", "azure", "activity-log-2026-11-02.json")));
        var graph = new GraphFake();
        var blobs = new BlobFake();
        blobs.Blobs[BlobFake.HourBlob(ArmFake.Subscription, new DateTime(2026, 11, 2, 14, 0, 0))] = Encoding.UTF8.GetBytes(string.Concat(arm.ActivityRecords.Select(r => r.ToJsonString() + "\n")));
        await using var armFake = await LoopbackFake.StartAsync(arm.Handle);
        await using var graphFake = await LoopbackFake.StartAsync(graph.Handle);
        await using var blobFake = await LoopbackFake.StartAsync(blobs.Handle);
        var now = new DateTime(2026, 11, 10, 0, 0, 0, DateTimeKind.Utc);
        AzureLiveOptions Options(string token) => new()
        {
            SubscriptionIds = { ArmFake.Subscription },
            TenantId = ArmFake.Tenant,
            ArmEndpoint = armFake.Address,
            GraphEndpoint = graphFake.Address,
            Credential = new FixedTokenCredential(token),
            Window = new TimeWindow(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), now),
            UtcNow = () => now,
        };
        var host = new CollectingScanHost();
        var ct = TestContext.Current.CancellationToken;

        int events = new AzureActivityLogSource(host, Options("t")).Read(ct).Count()
            + new AzureShareStateSource(host, Options("t")).Read(ct).Count()
            + new AzureExportedLogSource(host, Options("t"), new Uri(blobFake.Address, $"{BlobFake.Account}/{BlobFake.Container}")).Read(ct).Count()
            + new M365SharingLinkSource(host, Options(GraphFake.Token)).Read(ct).Count();

        Assert.Empty(host.Issues);
        Assert.True(events > 15, $"{events} events");
        var all = armFake.Requests.Concat(graphFake.Requests).Concat(blobFake.Requests).ToArray();
        Assert.True(all.Length > 20, $"{all.Length} requests");
        Assert.All(all, r => Assert.Contains(r.Method, AzureLivePermissions.HttpMethods));
        // ARM actions and storage keys are never asked for.
        Assert.DoesNotContain(all, r => r.Path.Contains("listKeys", StringComparison.OrdinalIgnoreCase) || r.Path.Contains("/action", StringComparison.OrdinalIgnoreCase) || r.Path.Contains("GetAccess", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_README_lists_exactly_the_roles_and_Graph_permissions_the_code_declares()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        int start = readme.IndexOf("## Live Azure and Microsoft 365 sources", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README has no 'Live Azure and Microsoft 365 sources' section");
        int end = readme.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        string section = end < 0 ? readme.Substring(start) : readme.Substring(start, end - start);

        static string[] Listed(string text, string label)
        {
            var m = Regex.Match(text, "^- " + Regex.Escape(label) + ": (.+)$", RegexOptions.Multiline);
            Assert.True(m.Success, $"no '- {label}:' line");
            return m.Groups[1].Value.Split(',').Select(x => x.Trim().Trim('`', '.')).Where(x => x.Length > 0).OrderBy(x => x).ToArray();
        }

        Assert.Equal(AzureLivePermissions.AzureRoles.OrderBy(x => x), Listed(section, "Azure RBAC roles"));
        Assert.Equal(AzureLivePermissions.GraphApplicationPermissions.OrderBy(x => x), Listed(section, "Graph application permissions"));
    }
}
