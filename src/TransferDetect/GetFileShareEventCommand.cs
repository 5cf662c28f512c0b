using System.Collections.Generic;
using System.Management.Automation;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// Reads the Microsoft 365 Unified Audit Log and returns one ShareEvent per SharePoint or OneDrive
/// sharing link or invitation created, changed, used or removed.
/// </summary>
[Cmdlet(VerbsCommon.Get, "FileShareEvent", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ShareEvent))]
public sealed class GetFileShareEventCommand : ShareEventCommandBase
{
    private static readonly ShareCategory[] File = { ShareCategory.File };

    internal override ICollection<ShareCategory>? Categories => File;

    internal override string Activity => "Reading logs for SharePoint and OneDrive shares";
}
