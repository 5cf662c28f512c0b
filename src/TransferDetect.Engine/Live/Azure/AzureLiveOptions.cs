using System;
using System.Collections.Generic;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Live.Azure;

/// <summary>
/// How the live Azure and Microsoft 365 sources sign in and where they read. Only BCL types: the SDK
/// clients (Azure.Core, Azure.Identity, Azure.Storage.Blobs, Microsoft.Graph) stay inside the engine.
/// Every call these sources make is a read (GET, or the List Blobs GET); nothing is changed.
/// </summary>
public sealed class AzureLiveOptions
{
    /// <summary>The public cloud's Resource Manager endpoint.</summary>
    public static readonly Uri PublicArmEndpoint = new("https://management.azure.com/");

    /// <summary>The public cloud's Microsoft Graph endpoint (the version segment is added).</summary>
    public static readonly Uri PublicGraphEndpoint = new("https://graph.microsoft.com/");

    /// <summary>The Microsoft Entra tenant to sign in to; null: the credential's default tenant.</summary>
    public string? TenantId { get; set; }

    /// <summary>The subscriptions read (Activity Log and current state). Required for the Azure sources.</summary>
    public IList<string> SubscriptionIds { get; set; } = new List<string>();

    /// <summary>
    /// Sign in with the managed identity (Azure Automation, VMs, App Service, Functions) instead of the
    /// DefaultAzureCredential chain. Inside an Azure Automation job the managed identity is used anyway.
    /// </summary>
    public bool UseManagedIdentity { get; set; }

    /// <summary>The client id of a user-assigned managed identity; null: the system-assigned identity.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// The Resource Manager endpoint (sovereign clouds: https://management.usgovcloudapi.net/,
    /// https://management.chinacloudapi.cn/). An http:// endpoint is accepted on a loopback address only
    /// (a local emulator): requests are then sent without TLS to that address.
    /// </summary>
    public Uri ArmEndpoint { get; set; } = PublicArmEndpoint;

    /// <summary>The token audience of Resource Manager; null: derived from <see cref="ArmEndpoint"/> (the public cloud's for a loopback endpoint).</summary>
    public string? ArmAudience { get; set; }

    /// <summary>The Microsoft Graph endpoint (without /v1.0); http:// on a loopback address only, as for <see cref="ArmEndpoint"/>.</summary>
    public Uri GraphEndpoint { get; set; } = PublicGraphEndpoint;

    /// <summary>The Microsoft Entra authority (sovereign clouds: https://login.microsoftonline.us/); null: the public cloud's.</summary>
    public Uri? AuthorityHost { get; set; }

    /// <summary>Retries of a throttled (429, honouring Retry-After) or failed (5xx) request before the source reports it (default 4).</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The first back-off when the service gives no Retry-After (default 1 s, doubled each retry).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts, Retry-After included (default 60 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The time window read from the Activity Log and exported logs; unbounded: the last 90 days.</summary>
    public TimeWindow Window { get; set; } = TimeWindow.All;

    /// <summary>The clock (tests): the Activity Log's 90 days and the time of current-state events count from it.</summary>
    public Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;

    /// <summary>Test seam: a credential used instead of the chain (the engine's tests only).</summary>
    internal global::Azure.Core.TokenCredential? Credential { get; set; }
}
