using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// Reads the grants of the snapshot and image sharing calls: ec2 ModifySnapshotAttribute and
/// ModifyImageAttribute, rds ModifyDBSnapshotAttribute and ModifyDBClusterSnapshotAttribute,
/// redshift AuthorizeSnapshotAccess and RevokeSnapshotAccess.
/// </summary>
internal static class SnapshotGrantExtractors
{
    public static readonly AwsShareOperation[] Operations =
    {
        new("ModifySnapshotAttribute", "ec2.amazonaws.com", ShareCategory.Snapshot, (rp, _) => Ec2Permission(rp, "createVolumePermission", "EbsSnapshot", rp.Str("snapshotId"))),
        new("ModifyImageAttribute", "ec2.amazonaws.com", ShareCategory.Snapshot, (rp, _) => Ec2Permission(rp, "launchPermission", "Ami", rp.Str("imageId"))),
        new("ModifyDBSnapshotAttribute", "rds.amazonaws.com", ShareCategory.Snapshot, (rp, _) => RdsRestore(rp, "RdsSnapshot", rp.Prop("dBSnapshotIdentifier", "DBSnapshotIdentifier").Str())),
        new("ModifyDBClusterSnapshotAttribute", "rds.amazonaws.com", ShareCategory.Snapshot, (rp, _) => RdsRestore(rp, "RdsClusterSnapshot", rp.Prop("dBClusterSnapshotIdentifier", "DBClusterSnapshotIdentifier").Str())),
        new("AuthorizeSnapshotAccess", "redshift.amazonaws.com", ShareCategory.Snapshot, (rp, _) => Redshift(rp, ShareAction.Add)),
        new("RevokeSnapshotAccess", "redshift.amazonaws.com", ShareCategory.Snapshot, (rp, _) => Redshift(rp, ShareAction.Remove)),
    };

    /// <summary>
    /// EC2 permission attributes: <c>{attributeType, X: {add: {items: [{userId|group|organizationArn|organizationalUnitArn}]}, remove: ...}}</c>.
    /// attributeType appears as CREATE_VOLUME_PERMISSION and createVolumePermission. The older
    /// operationType form (<c>operationType: add, userId / userGroup lists</c>) is read too.
    /// Any other attributeType (description, productCodes, ...) changes no access: no grants.
    /// </summary>
    private static AwsGrantSet Ec2Permission(JsonElement rp, string attribute, string resourceType, string? resourceId)
    {
        var set = new AwsGrantSet(resourceType, resourceId);
        string? attributeType = rp.Str("attributeType") ?? rp.Str("attribute");
        var permission = rp.Prop(attribute, char.ToUpperInvariant(attribute[0]) + attribute.Substring(1));
        if (attributeType != null && !JsonElementExtensions.LooseEquals(attributeType, attribute))
        {
            return set;
        }
        if (permission.IsObject())
        {
            AddItems(set, ShareAction.Add, permission.Prop("add", "Add"));
            AddItems(set, ShareAction.Remove, permission.Prop("remove", "Remove"));
        }
        string? operationType = rp.Str("operationType");
        if (operationType != null)
        {
            var action = JsonElementExtensions.LooseEquals(operationType, "remove") ? ShareAction.Remove : ShareAction.Add;
            foreach (var name in new[] { "userId", "userIds", "userGroup", "userGroups", "groupName", "organizationArn", "organizationalUnitArn" })
            {
                AddItems(set, action, rp.Prop(name), name);
            }
        }
        return set;
    }

    /// <summary>Items as <c>{items:[...]}</c>, a bare array, a single object, or plain strings.</summary>
    private static void AddItems(AwsGrantSet set, ShareAction action, JsonElement list, string? impliedKind = null)
    {
        switch (list.ValueKind)
        {
            case JsonValueKind.Object when list.TryGetProperty("items", out var items):
                AddItems(set, action, items, impliedKind);
                break;
            case JsonValueKind.Array:
                foreach (var item in list.EnumerateArray()) AddItems(set, action, item, impliedKind);
                break;
            case JsonValueKind.Object:
                set.Add(action, list.Str("userId") ?? list.Str("UserId"));
                set.Add(action, Group(list.Str("group") ?? list.Str("Group")));
                set.Add(action, list.Str("organizationArn") ?? list.Str("OrganizationArn"));
                set.Add(action, list.Str("organizationalUnitArn") ?? list.Str("OrganizationalUnitArn"));
                break;
            case JsonValueKind.String:
                bool isGroup = impliedKind != null && (impliedKind.StartsWith("userGroup") || impliedKind == "groupName");
                set.Add(action, isGroup ? Group(list.GetString()) : list.GetString());
                break;
        }
    }

    /// <summary>EC2's only group is "all" (public); any other group grants nothing known and stays visible as Unknown.</summary>
    private static string? Group(string? group) =>
        group == null ? null : string.Equals(group, "all", System.StringComparison.OrdinalIgnoreCase) ? "all" : "group:" + group;

    /// <summary>RDS: <c>attributeName: restore</c> with <c>valuesToAdd</c> / <c>valuesToRemove</c> (account ids or "all").</summary>
    private static AwsGrantSet RdsRestore(JsonElement rp, string resourceType, string? resourceId)
    {
        var set = new AwsGrantSet(resourceType, resourceId);
        if (!JsonElementExtensions.LooseEquals(rp.Prop("attributeName", "AttributeName").Str(), "restore")) return set;
        AddItems(set, ShareAction.Add, rp.Prop("valuesToAdd", "ValuesToAdd"));
        AddItems(set, ShareAction.Remove, rp.Prop("valuesToRemove", "ValuesToRemove"));
        return set;
    }

    /// <summary>Redshift: <c>accountWithRestoreAccess</c> on a snapshot (identifier or ARN).</summary>
    private static AwsGrantSet Redshift(JsonElement rp, ShareAction action)
    {
        var set = new AwsGrantSet("RedshiftSnapshot", rp.Str("snapshotIdentifier") ?? rp.Str("snapshotArn"));
        set.Add(action, rp.Prop("accountWithRestoreAccess", "AccountWithRestoreAccess").Str());
        return set;
    }
}
