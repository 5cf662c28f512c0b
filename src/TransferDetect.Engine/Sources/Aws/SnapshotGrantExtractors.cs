using TransferDetect.Engine.Model;
using static TransferDetect.Engine.Sources.Aws.AwsGranteeRule;
using static TransferDetect.Engine.Sources.Aws.AwsPath;
using static TransferDetect.Engine.Sources.Aws.AwsValue;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// The snapshot and image sharing calls, declared as definitions: ec2 ModifySnapshotAttribute and
/// ModifyImageAttribute, rds ModifyDBSnapshotAttribute and ModifyDBClusterSnapshotAttribute,
/// redshift AuthorizeSnapshotAccess and RevokeSnapshotAccess.
/// </summary>
internal static class SnapshotGrantExtractors
{
    public static readonly AwsDetectionDefinition[] Definitions =
    {
        Ec2Permission("ModifySnapshotAttribute", "createVolumePermission", "EbsSnapshot", "snapshotId"),
        Ec2Permission("ModifyImageAttribute", "launchPermission", "Ami", "imageId"),
        RdsRestore("ModifyDBSnapshotAttribute", "RdsSnapshot", "dBSnapshotIdentifier|DBSnapshotIdentifier"),
        RdsRestore("ModifyDBClusterSnapshotAttribute", "RdsClusterSnapshot", "dBClusterSnapshotIdentifier|DBClusterSnapshotIdentifier"),
        Redshift("AuthorizeSnapshotAccess", ShareAction.Add),
        Redshift("RevokeSnapshotAccess", ShareAction.Remove),
    };

    public static readonly AwsShareOperation[] Operations = System.Array.ConvertAll(Definitions, d => d.ToOperation());

    /// <summary>
    /// EC2 permission attributes: <c>{attributeType, X: {add: {items: [{userId|group|organizationArn|organizationalUnitArn}]}, remove: ...}}</c>.
    /// attributeType appears as CREATE_VOLUME_PERMISSION and createVolumePermission. The older
    /// operationType form (<c>operationType: add, userId / userGroup lists</c>) is read too.
    /// Any other attributeType (description, productCodes, ...) changes no access: no grants.
    /// </summary>
    private static AwsDetectionDefinition Ec2Permission(string eventName, string attribute, string resourceType, string idField)
    {
        string spellings = attribute + "|" + char.ToUpperInvariant(attribute[0]) + attribute.Substring(1);
        var operationType = Text(Rp("operationType"));
        var older = AwsCondition.IsPresent(operationType);
        return new AwsDetectionDefinition(eventName, "ec2.amazonaws.com", ShareCategory.Snapshot, resourceType, Text(Rp(idField)),
            new[]
            {
                Ec2Items(ShareAction.Add, Rp(spellings, "add|Add")),
                Ec2Items(ShareAction.Remove, Rp(spellings, "remove|Remove")),
                Ec2Items(operationType, Rp("userId"), groups: false).OnlyWhen(older),
                Ec2Items(operationType, Rp("userIds"), groups: false).OnlyWhen(older),
                Ec2Items(operationType, Rp("userGroup"), groups: true).OnlyWhen(older),
                Ec2Items(operationType, Rp("userGroups"), groups: true).OnlyWhen(older),
                Ec2Items(operationType, Rp("groupName"), groups: true).OnlyWhen(older),
                Ec2Items(operationType, Rp("organizationArn"), groups: false).OnlyWhen(older),
                Ec2Items(operationType, Rp("organizationalUnitArn"), groups: false).OnlyWhen(older),
            },
            when: new[] { AwsCondition.AbsentOrLooseIs(FirstOf(Text(Rp("attributeType")), Text(Rp("attribute"))), attribute) });
    }

    /// <summary>RDS: <c>attributeName: restore</c> with <c>valuesToAdd</c> / <c>valuesToRemove</c> (account ids or "all").</summary>
    private static AwsDetectionDefinition RdsRestore(string eventName, string resourceType, string idField) =>
        new(eventName, "rds.amazonaws.com", ShareCategory.Snapshot, resourceType, Text(Rp(idField)),
            new[]
            {
                Ec2Items(ShareAction.Add, Rp("valuesToAdd|ValuesToAdd")),
                Ec2Items(ShareAction.Remove, Rp("valuesToRemove|ValuesToRemove")),
            },
            when: new[] { AwsCondition.LooseIs(Text(Rp("attributeName|AttributeName")), "restore") });

    /// <summary>Redshift: <c>accountWithRestoreAccess</c> on a snapshot (identifier or ARN).</summary>
    private static AwsDetectionDefinition Redshift(string eventName, ShareAction action) =>
        new(eventName, "redshift.amazonaws.com", ShareCategory.Snapshot, "RedshiftSnapshot", FirstOf(Text(Rp("snapshotIdentifier")), Text(Rp("snapshotArn"))),
            new[] { Value(action, Text(Rp("accountWithRestoreAccess|AccountWithRestoreAccess"))) });
}
