namespace TransferDetect.Engine.Model;

/// <summary>The shape of a chain of share events that together tell one story of data leaving.</summary>
public enum IncidentKind
{
    /// <summary>A snapshot, image or disk shared to a principal outside the zone (created, shared, used, un-shared; with the key grant an encrypted share needs).</summary>
    SnapshotShare,

    /// <summary>An Azure disk, snapshot or restore point opened through a SAS URI (beginGetAccess), and closed or still open.</summary>
    SasExport,

    /// <summary>An anonymous (anyone) link created and then used, from an address not otherwise seen for the tenant.</summary>
    AnonymousLink,

    /// <summary>Many resources shared to one principal outside the zone.</summary>
    MassShare,

    /// <summary>Any other share (or set of shares) to one principal outside the zone.</summary>
    ExternalShare,
}
