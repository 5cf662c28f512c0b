using System.Management.Automation;
using System.Text;
using Microsoft.AspNetCore.Http;
using TransferDetect.Engine.Tests.Live;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Module.Tests;

/// <summary>Get-ShareEvent's live Azure parameter sets, run by the hosted engine against loopback fakes.</summary>
[Collection(nameof(EnvironmentCollection))]
public sealed class LiveCmdletTests
{
    private static string Example => Path.Combine(RepoPaths.Root, "examples", "data", "azure", "activity-log-2026-11-02.json");

    internal static async Task<LoopbackFake> ManagedIdentityAndArm(ArmFake arm) => await LoopbackFake.StartAsync(async ctx =>
    {
        if (ctx.Request.Path == "/msi/token")
        {
            long expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
            await LoopbackFake.WriteJson(ctx, $$"""{"access_token":"arm-token-from-managed-identity","expires_on":"{{expires}}","resource":"https://management.azure.com","token_type":"Bearer"}""");
            return;
        }
        await arm.Handle(ctx);
    });

    private static IDisposable Automation(LoopbackFake fake)
    {
        var old = new Dictionary<string, string?>();
        foreach (var (name, value) in new[] { ("IDENTITY_ENDPOINT", new Uri(fake.Address, "msi/token").ToString()), ("IDENTITY_HEADER", "h"), ("AUTOMATION_ASSET_ACCOUNTID", "acct") })
        {
            old[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
        return new Restore(old);
    }

    private sealed class Restore(Dictionary<string, string?> old) : IDisposable
    {
        public void Dispose()
        {
            foreach (var (n, v) in old) Environment.SetEnvironmentVariable(n, v);
        }
    }

    [Fact]
    public async Task Get_ShareEvent_Live_reads_the_Activity_Log_and_warns_about_the_90_days()
    {
        var arm = new ArmFake { PageSize = 3 };
        arm.ActivityRecords.AddRange(ArmFake.Load(Example));
        await using var fake = await ManagedIdentityAndArm(arm);
        using var env = Automation(fake);
        using var session = new PowerShellSession();

        var live = session.Run("Get-ShareEvent -Live -Provider Azure -SubscriptionId $args[0] -ArmEndpoint $args[1] -StartTime ([datetime]::UtcNow.AddDays(-120)) | ForEach-Object { $_.Operation + '|' + $_.Action + '|' + $_.Grantee }",
            ArmFake.Subscription, fake.Address.ToString());
        var offline = session.Run("Get-ShareEvent -Path $args[0] | ForEach-Object { $_.Operation + '|' + $_.Action + '|' + $_.Grantee }", Example);

        Assert.Null(live.Terminating);
        Assert.Empty(live.Errors);
        Assert.NotEmpty(offline.Output);
        Assert.Equal(offline.Output.Select(o => o.ToString()), live.Output.Select(o => o.ToString()));
        Assert.Contains(live.Warnings, w => w.Contains("90 days", StringComparison.Ordinal));
        Assert.Equal(4, fake.Requests.Count(r => r.Path.EndsWith("/eventtypes/management/values", StringComparison.Ordinal)));
        Assert.All(fake.Requests.Where(r => r.Path.StartsWith("/subscriptions/", StringComparison.Ordinal)), r => Assert.Equal("Bearer arm-token-from-managed-identity", r.Authorization));
    }

    [Fact]
    public async Task Get_ShareEvent_Live_reports_a_500_mid_paging_as_an_error_and_keeps_the_first_pages()
    {
        var arm = new ArmFake { PageSize = 4 };
        arm.ActivityRecords.AddRange(ArmFake.Load(Example));
        arm.ActivityFailures[3] = (500, 0, null);
        await using var fake = await ManagedIdentityAndArm(arm);
        using var env = Automation(fake);
        using var session = new PowerShellSession();

        var r = session.Run("Get-ShareEvent -Live -Provider Azure -SubscriptionId $args[0] -ArmEndpoint $args[1] -StartTime ([datetime]::UtcNow.AddDays(-30))",
            ArmFake.Subscription, fake.Address.ToString());

        Assert.Null(r.Terminating);
        Assert.NotEmpty(r.Output);
        var error = Assert.Single(r.Errors);
        Assert.Equal("TransferDetect.SourceFailed,TransferDetect.Commands.GetShareEventCommand", error.FullyQualifiedErrorId);
        Assert.Contains("page 3", error.ToString());
        Assert.Contains(ArmFake.Subscription, error.ToString());
    }

    [Fact]
    public async Task Get_ShareEvent_BlobContainerUri_with_a_SAS_reads_the_exported_hours_and_never_shows_the_SAS()
    {
        var blobs = new BlobFake();
        blobs.Blobs[BlobFake.HourBlob(ArmFake.Subscription, new DateTime(2026, 11, 2, 14, 0, 0))] =
            Encoding.UTF8.GetBytes(string.Concat(ArmFake.Load(Example).Select(r => r.ToJsonString() + "\n")));
        blobs.Failing.Add(BlobFake.HourBlob(ArmFake.Subscription, new DateTime(2026, 11, 2, 15, 0, 0)));
        blobs.Blobs[BlobFake.HourBlob(ArmFake.Subscription, new DateTime(2026, 11, 2, 15, 0, 0))] = Encoding.UTF8.GetBytes("{}\n");
        await using var fake = await LoopbackFake.StartAsync(blobs.Handle);
        using var session = new PowerShellSession();
        string uri = new Uri(fake.Address, $"{BlobFake.Account}/{BlobFake.Container}?sv=2024-11-04&sr=c&sp=rl&sig=c2VjcmV0").ToString();

        var r = session.Run("Get-ShareEvent -BlobContainerUri $args[0] -SubscriptionId $args[1] -StartTime '2026-11-02T00:00:00Z' -EndTime '2026-11-03T00:00:00Z' -Verbose", uri, ArmFake.Subscription);

        Assert.Null(r.Terminating);
        Assert.NotEmpty(r.Output);
        var error = Assert.Single(r.Errors);
        Assert.Contains("h=15", error.ToString());
        Assert.DoesNotContain("sig=", error.ToString());
        Assert.DoesNotContain(r.Verbose, v => v.Contains("c2VjcmV0", StringComparison.Ordinal));
        Assert.All(r.Output, o => Assert.Equal("Azure", PSObject.AsPSObject(o).Properties["Provider"].Value.ToString()));
    }
}
