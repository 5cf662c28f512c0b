using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Engine.Detection;

/// <summary>
/// The principals that are "us": AWS accounts, organizations and OUs; Azure tenants and
/// subscriptions; Microsoft 365 domains; GCP organizations, projects and domains. The account that
/// owns a resource is always trusted, whatever the zone says. Public grants are never trusted.
/// </summary>
public sealed class TrustZone
{
    private static readonly Dictionary<string, string[]> Schema = new(StringComparer.Ordinal)
    {
        ["aws"] = new[] { "accounts", "organizations", "organizationalUnits" },
        ["azure"] = new[] { "tenants", "subscriptions" },
        ["m365"] = new[] { "domains" },
        ["gcp"] = new[] { "organizations", "projects", "domains" },
    };

    private readonly HashSet<string> _awsAccounts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _awsOrganizations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _awsOrganizationalUnits = new(StringComparer.Ordinal);
    private readonly HashSet<string> _azureTenants = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _azureSubscriptions = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _m365Domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _gcpOrganizations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _gcpProjects = new(StringComparer.Ordinal);
    private readonly HashSet<string> _gcpDomains = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A zone with nothing in it: only each resource's own account is trusted.</summary>
    public static TrustZone Empty => new();

    public IReadOnlyCollection<string> AwsAccounts => _awsAccounts;
    public IReadOnlyCollection<string> AwsOrganizations => _awsOrganizations;
    public IReadOnlyCollection<string> AwsOrganizationalUnits => _awsOrganizationalUnits;
    public IReadOnlyCollection<string> AzureTenants => _azureTenants;
    public IReadOnlyCollection<string> AzureSubscriptions => _azureSubscriptions;
    public IReadOnlyCollection<string> M365Domains => _m365Domains;
    public IReadOnlyCollection<string> GcpOrganizations => _gcpOrganizations;
    public IReadOnlyCollection<string> GcpProjects => _gcpProjects;
    public IReadOnlyCollection<string> GcpDomains => _gcpDomains;

    /// <summary>Adds a 12-digit AWS account id.</summary>
    public void AddAwsAccount(string id, string? where = null) =>
        _awsAccounts.Add(Check(id, AwsGrantee.IsAccountId, "an AWS account id (12 digits)", where));

    /// <summary>Adds an organization, as its o-... id or its ARN.</summary>
    public void AddAwsOrganization(string id, string? where = null)
    {
        var parsed = AwsGrantee.Parse(id);
        string value = parsed.Type == Model.GranteeType.Organization ? parsed.OrganizationId! : id;
        _awsOrganizations.Add(Check(value, AwsGrantee.IsOrganizationId, "an AWS organization id (o- and 10 to 32 letters or digits) or its ARN", where));
    }

    /// <summary>Adds an organizational unit, as its ou-... id or its ARN.</summary>
    public void AddAwsOrganizationalUnit(string id, string? where = null)
    {
        var parsed = AwsGrantee.Parse(id);
        string value = parsed.Type == Model.GranteeType.OrganizationalUnit ? parsed.OrganizationalUnitId! : id;
        _awsOrganizationalUnits.Add(Check(value, AwsGrantee.IsOrganizationalUnitId, "an AWS organizational unit id (ou-xxxx-xxxxxxxx) or its ARN", where));
    }

    /// <summary>
    /// Adds an organization of the cloud its form names: an AWS o-... id or organization ARN, or a GCP
    /// organization id (digits, or organizations/123...).
    /// </summary>
    public void AddOrganization(string id, string? where = null)
    {
        string v = (id ?? "").Trim();
        if (v.StartsWith("organizations/", StringComparison.Ordinal)) v = v.Substring("organizations/".Length);
        if (v.Length > 0 && IsDigits(v)) AddGcpOrganization(v, where);
        else AddAwsOrganization(id!, where);
    }

    public void AddAzureTenant(string id, string? where = null) => _azureTenants.Add(Check(id, IsGuid, "an Azure tenant id (a GUID)", where));
    public void AddAzureSubscription(string id, string? where = null) => _azureSubscriptions.Add(Check(id, IsGuid, "an Azure subscription id (a GUID)", where));
    public void AddM365Domain(string domain, string? where = null) => _m365Domains.Add(Check(domain.Trim().TrimStart('@'), IsDomain, "a domain name", where));
    public void AddGcpOrganization(string id, string? where = null) =>
        _gcpOrganizations.Add(Check((id ?? "").Trim().StartsWith("organizations/", StringComparison.Ordinal) ? id!.Trim().Substring("organizations/".Length) : id!, IsDigits, "a GCP organization id (digits)", where));
    public void AddGcpProject(string id, string? where = null) => _gcpProjects.Add(Check(id, s => s.Length > 0, "a GCP project id", where));
    public void AddGcpDomain(string domain, string? where = null) => _gcpDomains.Add(Check(domain.Trim(), IsDomain, "a domain name", where));

    /// <summary>Is the AWS account "us": the owner, or a listed account?</summary>
    public bool TrustsAwsAccount(string accountId, string? ownerAccountId) =>
        string.Equals(accountId, ownerAccountId, StringComparison.Ordinal) || _awsAccounts.Contains(accountId);

    public bool TrustsAwsOrganization(string organizationId) => _awsOrganizations.Contains(organizationId);

    /// <summary>An OU is trusted when it is listed, or when the organization it belongs to is.</summary>
    public bool TrustsAwsOrganizationalUnit(string organizationalUnitId, string? organizationId) =>
        _awsOrganizationalUnits.Contains(organizationalUnitId) || (organizationId != null && _awsOrganizations.Contains(organizationId));

    /// <summary>Is the Azure tenant "us": the resource's own tenant, or a listed one?</summary>
    public bool TrustsAzureTenant(string tenantId, string? ownerTenantId) =>
        string.Equals(tenantId, ownerTenantId, StringComparison.OrdinalIgnoreCase) || _azureTenants.Contains(tenantId);

    /// <summary>Is the Azure subscription "us": the resource's own subscription, or a listed one?</summary>
    public bool TrustsAzureSubscription(string subscriptionId, string? ownerSubscriptionId) =>
        string.Equals(subscriptionId, ownerSubscriptionId, StringComparison.OrdinalIgnoreCase) || _azureSubscriptions.Contains(subscriptionId);

    /// <summary>
    /// Is the Microsoft 365 domain (or the domain of an address) "us": a listed domain or a subdomain of
    /// one? A guest's address inside the tenant (<c>bob_fabrikam.com#EXT#@contoso.onmicrosoft.com</c>) is
    /// judged by its home domain (fabrikam.com), not by the tenant's.
    /// </summary>
    public bool TrustsM365Domain(string domainOrAddress) => DomainListed(_m365Domains, DomainOf(domainOrAddress));

    /// <summary>Is the GCP domain (or the domain of an address) "us": a listed domain or a subdomain of one?</summary>
    public bool TrustsGcpDomain(string domainOrAddress) => DomainListed(_gcpDomains, DomainOf(domainOrAddress));

    /// <summary>Is the GCP project "us": the resource's own project, or a listed one?</summary>
    public bool TrustsGcpProject(string projectId, string? ownerProjectId) =>
        string.Equals(projectId, ownerProjectId, StringComparison.Ordinal) || _gcpProjects.Contains(projectId);

    public bool TrustsGcpOrganization(string organizationId) => _gcpOrganizations.Contains(organizationId);

    /// <summary>
    /// The domain of an address or a domain: after the last '@'; for a guest's <c>#EXT#</c> address, the
    /// home domain encoded before it (the last '_' stands for the '@'). Lower case, no trailing dot.
    /// </summary>
    public static string DomainOf(string domainOrAddress)
    {
        string s = (domainOrAddress ?? "").Trim();
        int ext = s.IndexOf("#EXT#", StringComparison.OrdinalIgnoreCase);
        if (ext > 0)
        {
            string home = s.Substring(0, ext);
            int underscore = home.LastIndexOf('_');
            if (underscore >= 0) return home.Substring(underscore + 1).TrimEnd('.').ToLowerInvariant();
        }
        int at = s.LastIndexOf('@');
        if (at >= 0) s = s.Substring(at + 1);
        return s.TrimEnd('.').ToLowerInvariant();
    }

    private static bool DomainListed(HashSet<string> domains, string domain)
    {
        if (domain.Length == 0) return false;
        for (string d = domain; ; )
        {
            if (domains.Contains(d)) return true;
            int dot = d.IndexOf('.');
            if (dot < 0 || d.IndexOf('.', dot + 1) < 0) return false; // stop at the registrable level: "com" is never trusted
            d = d.Substring(dot + 1);
        }
    }

    public bool IsEmpty =>
        _awsAccounts.Count + _awsOrganizations.Count + _awsOrganizationalUnits.Count + _azureTenants.Count + _azureSubscriptions.Count +
        _m365Domains.Count + _gcpOrganizations.Count + _gcpProjects.Count + _gcpDomains.Count == 0;

    /// <summary>Reads the zone file of DETECTIONS.md. Unknown sections or keys are errors: a typo must not quietly distrust everyone.</summary>
    public static TrustZone Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            throw new TrustZoneException($"The trust zone file {path} cannot be read: {e.Message}", e);
        }
        return Parse(text, path);
    }

    public static TrustZone Parse(string json, string name = "trust zone")
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new TrustZoneException($"The trust zone {name} is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}).", e);
        }
        using (doc)
        {
            var zone = new TrustZone();
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TrustZoneException($"The trust zone {name} must be a JSON object with aws, azure, m365 or gcp sections.");
            }
            foreach (var section in root.EnumerateObject())
            {
                if (!Schema.TryGetValue(section.Name, out var keys))
                {
                    throw new TrustZoneException($"The trust zone {name} has an unknown section '{section.Name}'; expected {string.Join(", ", Schema.Keys)}.");
                }
                if (section.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new TrustZoneException($"The trust zone {name}: '{section.Name}' must be an object.");
                }
                foreach (var list in section.Value.EnumerateObject())
                {
                    if (!keys.Contains(list.Name, StringComparer.Ordinal))
                    {
                        throw new TrustZoneException($"The trust zone {name} has an unknown key '{section.Name}.{list.Name}'; expected {string.Join(", ", keys)}.");
                    }
                    if (list.Value.ValueKind != JsonValueKind.Array)
                    {
                        throw new TrustZoneException($"The trust zone {name}: '{section.Name}.{list.Name}' must be an array of strings.");
                    }
                    int i = 0;
                    foreach (var item in list.Value.EnumerateArray())
                    {
                        string where = $"{name}: {section.Name}.{list.Name}[{i++}]";
                        if (item.ValueKind != JsonValueKind.String)
                        {
                            throw new TrustZoneException($"The trust zone {where} must be a string (write account ids in quotes: a number loses leading zeros).");
                        }
                        zone.Add(section.Name, list.Name, item.GetString()!, where);
                    }
                }
            }
            return zone;
        }
    }

    private void Add(string section, string key, string value, string where)
    {
        switch (section + "." + key)
        {
            case "aws.accounts": AddAwsAccount(value, where); break;
            case "aws.organizations": AddAwsOrganization(value, where); break;
            case "aws.organizationalUnits": AddAwsOrganizationalUnit(value, where); break;
            case "azure.tenants": AddAzureTenant(value, where); break;
            case "azure.subscriptions": AddAzureSubscription(value, where); break;
            case "m365.domains": AddM365Domain(value, where); break;
            case "gcp.organizations": AddGcpOrganization(value, where); break;
            case "gcp.projects": AddGcpProject(value, where); break;
            case "gcp.domains": AddGcpDomain(value, where); break;
        }
    }

    private static string Check(string value, Func<string, bool> valid, string what, string? where)
    {
        string v = (value ?? "").Trim();
        if (!valid(v))
        {
            string place = where != null ? $"The trust zone {where}" : "The trusted value";
            throw new TrustZoneException($"{place} '{value}' is not {what}.");
        }
        return v;
    }

    private static bool IsGuid(string s) => Guid.TryParse(s, out _);

    private static bool IsDigits(string s) => s.Length > 0 && s.All(c => c >= '0' && c <= '9');

    private static bool IsDomain(string s) =>
        s.Length > 0 && s.Length <= 253 && s.Contains('.') && s.All(c => char.IsLetterOrDigit(c) || c == '.' || c == '-') && !s.StartsWith(".") && !s.EndsWith(".");
}
