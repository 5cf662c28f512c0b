using System;

namespace TransferDetect.Engine.Model;

/// <summary>The steps of a transfer an incident has evidence of. Several may be set.</summary>
[Flags]
public enum IncidentStage
{
    None = 0,

    /// <summary>The resource was created (snapshot, image or copy) shortly before it was shared.</summary>
    Created = 1,

    /// <summary>Access was granted to the principal (a share, a SAS opened, a link created).</summary>
    Shared = 2,

    /// <summary>The key that encrypts the shared resource was granted to the same principal.</summary>
    KeyShared = 4,

    /// <summary>The principal used the access (a shared snapshot copied, a link opened).</summary>
    Used = 8,

    /// <summary>The access was taken away again (un-shared, SAS closed, link deleted).</summary>
    Revoked = 16,

    /// <summary>A grant was tried and refused (the call failed): an attempt, not a share.</summary>
    Attempted = 32,
}
