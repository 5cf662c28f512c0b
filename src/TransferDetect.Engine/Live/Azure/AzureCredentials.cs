using System;
using Azure.Core;
using Azure.Identity;

namespace TransferDetect.Engine.Live.Azure;

/// <summary>
/// Chooses the credential: the managed identity when asked or inside an Azure Automation job (no chain
/// probing, no prompt), otherwise DefaultAzureCredential (environment, workload identity, managed identity,
/// Azure CLI, Azure PowerShell, azd, Visual Studio) with every interactive credential left out: a runbook
/// or a scheduled check must fail with a clear message rather than wait for a browser.
/// </summary>
internal static class AzureCredentials
{
    /// <summary>Azure Automation sets this in every job (cloud and hybrid workers).</summary>
    internal const string AutomationVariable = "AUTOMATION_ASSET_ACCOUNTID";

    public static bool InAzureAutomation => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(AutomationVariable));

    public static TokenCredential Create(AzureLiveOptions options, out string description)
    {
        if (options.Credential != null)
        {
            description = "the credential given";
            return options.Credential;
        }
        if (options.UseManagedIdentity || InAzureAutomation)
        {
            var id = string.IsNullOrEmpty(options.ManagedIdentityClientId)
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId!);
            var miOptions = new ManagedIdentityCredentialOptions(id);
            if (options.AuthorityHost != null) miOptions.AuthorityHost = options.AuthorityHost;
            description = string.IsNullOrEmpty(options.ManagedIdentityClientId)
                ? "the system-assigned managed identity"
                : $"the user-assigned managed identity {options.ManagedIdentityClientId}";
            return new ManagedIdentityCredential(miOptions);
        }
        var d = new DefaultAzureCredentialOptions
        {
            ExcludeInteractiveBrowserCredential = true,
            ExcludeVisualStudioCodeCredential = true,
        };
        if (options.AuthorityHost != null) d.AuthorityHost = options.AuthorityHost;
        if (!string.IsNullOrEmpty(options.TenantId)) d.TenantId = options.TenantId;
        if (!string.IsNullOrEmpty(options.ManagedIdentityClientId)) d.ManagedIdentityClientId = options.ManagedIdentityClientId;
        description = "DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI, Azure PowerShell; never interactive)";
        return new DefaultAzureCredential(d);
    }

    /// <summary>A sign-in failure as an <see cref="AzureLiveException"/>: what failed and what to do, no token.</summary>
    public static AzureLiveException SignInFailed(string what, string description, Exception e)
    {
        string first = FirstLine(e.Message);
        return new AzureLiveException($"Signing in to read {what} with {description} failed: {first} " +
            "Sign in (Connect-AzAccount, az login), set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or use -ManagedIdentity in Azure Automation.", 0, e);
    }

    internal static string FirstLine(string text)
    {
        int nl = text.IndexOfAny(new[] { '\r', '\n' });
        return nl > 0 ? text.Substring(0, nl) : text;
    }
}
