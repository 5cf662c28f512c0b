using Azure.Identity;
using TransferDetect.Engine.Live.Azure;
using Xunit;

namespace TransferDetect.Engine.Tests.Live;

/// <summary>Which credential the live sources sign in with.</summary>
public sealed class AzureCredentialsTests
{
    [Fact]
    public void Managed_identity_is_used_when_asked_with_the_user_assigned_client_id()
    {
        var credential = AzureCredentials.Create(new AzureLiveOptions { UseManagedIdentity = true, ManagedIdentityClientId = "5d7b0c11-aaaa-4bbb-8ccc-123456789abc" }, out string description);

        Assert.IsType<ManagedIdentityCredential>(credential);
        Assert.Contains("user-assigned managed identity 5d7b0c11-aaaa-4bbb-8ccc-123456789abc", description);
    }

    [Fact]
    public void Without_managed_identity_the_DefaultAzureCredential_chain_is_used_and_never_interactive()
    {
        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable(AzureCredentials.AutomationVariable)), "this test runs outside Azure Automation");

        var credential = AzureCredentials.Create(new AzureLiveOptions { TenantId = ArmFake.Tenant }, out string description);

        Assert.IsType<DefaultAzureCredential>(credential);
        Assert.Contains("never interactive", description);
    }

    [Fact]
    public void An_http_endpoint_is_refused_unless_it_is_a_loopback_address()
    {
        Assert.Throws<ArgumentException>(() => LoopbackHttpHandler.ForSdk(new Uri("http://management.example.com/"), "Resource Manager"));
        Assert.Equal(new Uri("https://127.0.0.1:8443/"), LoopbackHttpHandler.ForSdk(new Uri("http://127.0.0.1:8443/"), "Resource Manager"));
        Assert.Equal(new Uri("https://management.usgovcloudapi.net/"), LoopbackHttpHandler.ForSdk(new Uri("https://management.usgovcloudapi.net/"), "Resource Manager"));
        Assert.Null(LoopbackHttpHandler.For(new Uri("https://management.azure.com/")));
    }
}
