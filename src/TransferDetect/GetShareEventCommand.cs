using System.Collections.Generic;
using System.Management.Automation;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// Reads cloud logs and returns one ShareEvent per grant, revocation or use of access of every
/// category of the catalogue (or those chosen with -Category): snapshots, storage, files, keys,
/// backups, other resources, export tasks and guardrails.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ShareEvent", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ShareEvent))]
public sealed partial class GetShareEventCommand : ShareEventCommandBase
{
    /// <summary>Only shares of these categories; all by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public ShareCategory[]? Category { get; set; }

    internal override ICollection<ShareCategory>? Categories => Category;

    internal override string Activity => "Reading logs for shares";
}
