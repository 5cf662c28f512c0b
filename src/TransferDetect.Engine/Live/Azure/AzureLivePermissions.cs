using System.Collections.Generic;

namespace TransferDetect.Engine.Live.Azure;

/// <summary>
/// What a least-privilege identity needs for the live Azure and Microsoft 365 sources, as the code
/// uses them (the README lists the same; a test compares the two). Every request is a GET.
/// </summary>
public static class AzureLivePermissions
{
    /// <summary>
    /// Azure RBAC roles: Reader on each subscription (Activity Log, disks, snapshots, galleries, generic
    /// resources, storage account properties; listKeys is never called, so no key or data role is needed
    /// for them) and Storage Blob Data Reader on the storage account of exported logs (not needed with a SAS URI).
    /// </summary>
    public static IReadOnlyList<string> AzureRoles { get; } = new[] { "Reader", "Storage Blob Data Reader" };

    /// <summary>
    /// Microsoft Graph application permissions: Sites.Read.All (getAllSites, site and OneDrive drives,
    /// delta, item permissions) and User.Read.All (the user list, to reach every OneDrive).
    /// </summary>
    public static IReadOnlyList<string> GraphApplicationPermissions { get; } = new[] { "Sites.Read.All", "User.Read.All" };

    /// <summary>The HTTP methods the live sources send.</summary>
    public static IReadOnlyList<string> HttpMethods { get; } = new[] { "GET" };
}
