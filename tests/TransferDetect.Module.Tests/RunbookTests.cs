using System.Management.Automation;
using Microsoft.AspNetCore.Http;
using TransferDetect.Engine.Tests.Live;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Module.Tests;

/// <summary>Tests that set process environment variables run alone.</summary>
[CollectionDefinition(nameof(EnvironmentCollection), DisableParallelization = true)]
public sealed class EnvironmentCollection
{
}

/// <summary>
/// The Azure Automation runbook, run by the hosted engine with the built module, against loopback fakes
/// of ARM, Graph and the managed-identity endpoint Automation provides (IDENTITY_ENDPOINT +
/// IDENTITY_HEADER): the real ManagedIdentityCredential signs in, nothing prompts.
/// </summary>
[Collection(nameof(EnvironmentCollection))]
public sealed class RunbookTests
{
    private const string IdentityHeader = "automation-identity-header";
    private static string Runbook => Path.Combine(RepoPaths.Root, "examples", "runbook", "Find-ExternalShareRunbook.ps1");

    private sealed class Cloud
    {
        public ArmFake Arm { get; } = ArmFake.WithState();
        public GraphFake Graph { get; } = new();
        public List<string> TokenResources { get; } = new();
        public int TokenStatus { get; set; } = 200;

        public async Task Handle(HttpContext ctx)
        {
            string path = ctx.Request.Path.Value ?? "";
            if (path == "/msi/token")
            {
                string resource = ctx.Request.Query["resource"].ToString();
                lock (TokenResources) TokenResources.Add(resource);
                if (ctx.Request.Headers["X-IDENTITY-HEADER"] != IdentityHeader)
                {
                    await LoopbackFake.WriteJson(ctx, """{"error":"invalid_request","error_description":"X-IDENTITY-HEADER is missing or wrong"}""", 400);
                    return;
                }
                if (TokenStatus != 200)
                {
                    await LoopbackFake.WriteJson(ctx, """{"error":"unauthorized_client","error_description":"Identity not found"}""", TokenStatus);
                    return;
                }
                string token = resource.Contains("graph", StringComparison.Ordinal) ? GraphFake.Token : "arm-token-from-managed-identity";
                long expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
                await LoopbackFake.WriteJson(ctx, $$"""{"access_token":"{{token}}","expires_on":"{{expires}}","resource":"{{resource}}","token_type":"Bearer","client_id":"00000000-1111-2222-3333-444444444444"}""");
                return;
            }
            if (path.StartsWith("/v1.0/", StringComparison.Ordinal))
            {
                await Graph.Handle(ctx);
                return;
            }
            await Arm.Handle(ctx);
        }
    }

    /// <summary>Sets environment variables for one test and puts the old values back.</summary>
    private sealed class EnvironmentScope : IDisposable
    {
        private readonly Dictionary<string, string?> _old = new();

        public EnvironmentScope(params (string Name, string? Value)[] values)
        {
            foreach (var (name, value) in values)
            {
                _old[name] = Environment.GetEnvironmentVariable(name);
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach (var (name, value) in _old) Environment.SetEnvironmentVariable(name, value);
        }
    }

    private static EnvironmentScope AutomationEnvironment(LoopbackFake fake) => new(
        ("IDENTITY_ENDPOINT", new Uri(fake.Address, "msi/token").ToString()),
        ("IDENTITY_HEADER", IdentityHeader),
        ("AUTOMATION_ASSET_ACCOUNTID", "9f1c0a62-0000-4000-8000-000000000001"),
        ("MSI_ENDPOINT", null),
        ("MSI_SECRET", null),
        ("AZURE_CLIENT_ID", null),
        ("AZURE_TENANT_ID", null),
        ("AZURE_CLIENT_SECRET", null));

    /// <summary>The findings the runbook wrote, and the message of its failure (null when it succeeded).</summary>
    private static (List<PSObject> Findings, string? Failure, ScriptResult Result) RunRunbook(LoopbackFake fake, string extra = "")
    {
        using var session = new PowerShellSession();
        var result = Invoke(session, fake, extra);
        var failure = result.Output.Select(o => o.BaseObject).OfType<string>().FirstOrDefault(t => t.StartsWith("RUNBOOK FAILED: ", StringComparison.Ordinal));
        return (result.Output.Where(o => o.BaseObject is not string).ToList(), failure?.Substring("RUNBOOK FAILED: ".Length), result);
    }

    private static ScriptResult Invoke(PowerShellSession session, LoopbackFake fake, string extra)
    {
        return session.Run(
            // The job's failure (a throw) is caught so the findings written before it stay in the output.
            "try { & $args[0] -SubscriptionId $args[1] -TrustedTenant $args[2] -TrustedDomain contoso.com -ArmEndpoint $args[3] -GraphEndpoint $args[3] " + extra + " } catch { 'RUNBOOK FAILED: ' + $_.Exception.Message }",
            Runbook, ArmFake.Subscription, ArmFake.Tenant, fake.Address.ToString());
    }

    [Fact]
    public async Task Runbook_signs_in_with_the_managed_identity_and_outputs_the_Azure_and_M365_findings()
    {
        var cloud = new Cloud();
        await using var fake = await LoopbackFake.StartAsync(cloud.Handle);
        using var env = AutomationEnvironment(fake);

        var (findings, failure, result) = RunRunbook(fake);

        Assert.Null(failure);
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var grantees = findings.Select(o => (string?)PSObject.AsPSObject(ScriptResult.Prop(o, "Event")!).Properties["Grantee"].Value).ToArray();
        Assert.Equal(new[]
        {
            "SAS URI", "SAS URI", ArmFake.Tenant + ", " + ArmFake.ForeignTenant, "community", "anonymous", "any tenant",
            "Anyone with the link", "bob@fabrikam.com", "carol_partner.example#ext#@contoso.onmicrosoft.com", "eve@gmail.com",
        }.OrderBy(g => g), grantees.OrderBy(g => g));
        // The managed identity was asked for both audiences, with Automation's header (the fake refuses it otherwise).
        // MSAL keeps managed-identity tokens per process, so another test may have fetched them already: either the fake served them now or they came from it before.
        Assert.All(cloud.TokenResources, r => Assert.True(r.StartsWith("https://management.azure.com", StringComparison.Ordinal) || r.StartsWith("https://graph.microsoft.com", StringComparison.Ordinal), r));
        Assert.All(fake.Requests, r => Assert.Equal("GET", r.Method));
        Assert.Contains(fake.Requests, r => r.Path.StartsWith("/subscriptions/", StringComparison.Ordinal) && r.Authorization == "Bearer arm-token-from-managed-identity");
    }

    [Fact]
    public async Task Runbook_fails_with_a_clear_error_when_the_managed_identity_cannot_sign_in()
    {
        var cloud = new Cloud { TokenStatus = 400 };
        await using var fake = await LoopbackFake.StartAsync(cloud.Handle);
        using var env = AutomationEnvironment(fake);

        // A user-assigned identity of its own: MSAL's per-process token cache holds nothing for it.
        var (findings, message, _) = RunRunbook(fake, "-ManagedIdentityClientId 5d7b0c11-aaaa-4bbb-8ccc-123456789abc");

        Assert.NotNull(message);
        Assert.Empty(findings);
        Assert.Contains("managed identity", message);
        Assert.Contains("5d7b0c11-aaaa-4bbb-8ccc-123456789abc", message);
        Assert.NotEmpty(cloud.TokenResources);
        Assert.DoesNotContain(IdentityHeader, message);
        Assert.DoesNotContain(fake.Requests, r => r.Path.StartsWith("/subscriptions/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Runbook_fails_after_writing_what_it_read_when_a_source_is_incomplete()
    {
        var cloud = new Cloud();
        cloud.Arm.FailingPaths[$"/subscriptions/{ArmFake.Subscription}/providers/Microsoft.Compute/galleries"] = 500;
        await using var fake = await LoopbackFake.StartAsync(cloud.Handle);
        using var env = AutomationEnvironment(fake);

        var (findings, message, _) = RunRunbook(fake, "-Provider Azure");

        Assert.NotNull(message);
        Assert.Contains("incompletely", message);
        Assert.Contains("galleries", message);
        // The disk, the snapshot and the storage account findings were written before the job failed.
        Assert.Equal(4, findings.Count);
    }
}
