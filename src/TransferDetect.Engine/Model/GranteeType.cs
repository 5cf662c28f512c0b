namespace TransferDetect.Engine.Model;

/// <summary>What kind of principal a share names (the vocabulary of DETECTIONS.md).</summary>
public enum GranteeType
{
    Unknown,
    Account,
    Organization,
    OrganizationalUnit,
    Public,
    Tenant,
    Subscription,
    Domain,
    User,
    AnonymousLink,
}
