using System;
using System.Globalization;

namespace TransferDetect.Engine.Sources.M365;

/// <summary>The kind of sharing link a <c>SharingLinks.&lt;item&gt;.&lt;kind&gt;.&lt;id&gt;</c> group stands for.</summary>
internal enum SharingLinkKind
{
    /// <summary>Not a sharing-link group.</summary>
    None,

    /// <summary>AnonymousView, AnonymousEdit: an Anyone link.</summary>
    Anonymous,

    /// <summary>OrganizationView, OrganizationEdit: a link for the whole organisation.</summary>
    Organization,

    /// <summary>Flexible (and any other kind): a specific-people link, whose people come in AddedToSecureLink records.</summary>
    SpecificPeople,
}

/// <summary>Reading the parts of a UAL sharing record that are packed into strings.</summary>
internal static class M365Targets
{
    /// <summary>How <see cref="Model.ShareEvent.Details"/> starts when the record says what kind of target it names.</summary>
    private const string TargetTypePrefix = "TargetUserOrGroupType ";

    /// <summary>
    /// The link kind of a SharePoint sharing-link group name (<c>SharingLinks.7f06ab3a-....AnonymousEdit.d323b5ea-...</c>):
    /// the third dot-separated part.
    /// </summary>
    public static SharingLinkKind LinkKindOf(string? groupName)
    {
        if (groupName == null || !groupName.StartsWith("SharingLinks.", StringComparison.OrdinalIgnoreCase)) return SharingLinkKind.None;
        var parts = groupName.Split('.');
        if (parts.Length < 3) return SharingLinkKind.SpecificPeople;
        string kind = parts[2];
        if (kind.StartsWith("Anonymous", StringComparison.OrdinalIgnoreCase)) return SharingLinkKind.Anonymous;
        if (kind.StartsWith("Organization", StringComparison.OrdinalIgnoreCase)) return SharingLinkKind.Organization;
        return SharingLinkKind.SpecificPeople;
    }

    /// <summary>The details line of a grant to a named target: its type first, so the judge can read it back.</summary>
    public static string TargetDetails(string? targetType, string? permission)
    {
        string text = targetType != null ? TargetTypePrefix + targetType : "TargetUserOrGroupType not recorded";
        return permission != null ? text + "; permission " + permission : text;
    }

    /// <summary>The TargetUserOrGroupType written by <see cref="TargetDetails"/>, or null.</summary>
    public static string? TargetTypeOf(string? details)
    {
        if (details == null || !details.StartsWith(TargetTypePrefix, StringComparison.Ordinal)) return null;
        int end = details.IndexOf(';');
        return (end < 0 ? details.Substring(TargetTypePrefix.Length) : details.Substring(TargetTypePrefix.Length, end - TargetTypePrefix.Length)).Trim();
    }

    /// <summary>A guest account's UPN inside the tenant (<c>bob_fabrikam.com#EXT#@contoso.onmicrosoft.com</c>).</summary>
    public static bool IsGuestUpn(string name) => name.IndexOf("#EXT#", StringComparison.OrdinalIgnoreCase) >= 0;

    /// <summary>
    /// The value of an element of the EventData XML fragment (<c>&lt;Type&gt;Edit&lt;/Type&gt;</c>,
    /// <c>&lt;Permissions granted&gt;Contribute&lt;/Permissions granted&gt;</c>), any case; null when absent or empty.
    /// </summary>
    public static string? EventDataValue(string? eventData, string element)
    {
        if (string.IsNullOrEmpty(eventData)) return null;
        string open = "<" + element + ">";
        int start = eventData!.IndexOf(open, StringComparison.OrdinalIgnoreCase);
        if (start < 0) return null;
        start += open.Length;
        int end = eventData.IndexOf("</" + element + ">", start, StringComparison.OrdinalIgnoreCase);
        if (end < 0) return null;
        string value = eventData.Substring(start, end - start).Trim();
        return value.Length == 0 ? null : value;
    }

    /// <summary>The address of ClientIP without the port some workloads append (<c>104.28.196.199:28491</c>, <c>[2a09::1]:25138</c>).</summary>
    public static string? IpOf(string? clientIp)
    {
        if (string.IsNullOrWhiteSpace(clientIp)) return null;
        string s = clientIp!.Trim();
        if (s.StartsWith("[", StringComparison.Ordinal))
        {
            int close = s.IndexOf(']');
            return close > 1 ? s.Substring(1, close - 1) : s;
        }
        int colon = s.IndexOf(':');
        if (colon > 0 && colon == s.LastIndexOf(':') && s.IndexOf('.') > 0) return s.Substring(0, colon);
        return s;
    }

    /// <summary>
    /// A time as the exports write it: ISO-8601 (CreationTime, UTC without a zone), the Purview CSV's
    /// CreationDate, or Windows PowerShell's ConvertTo-Json <c>/Date(1581704745000)/</c>.
    /// </summary>
    public static DateTime? ParseTime(string? text)
    {
        if (text == null) return null;
        string s = text.Trim();
        if (s.StartsWith("/Date(", StringComparison.Ordinal) || s.StartsWith("\\/Date(", StringComparison.Ordinal))
        {
            int open = s.IndexOf('(') + 1;
            int end = open;
            if (end < s.Length && s[end] == '-') end++;
            while (end < s.Length && char.IsDigit(s[end])) end++;
            if (long.TryParse(s.Substring(open, end - open), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long ms) &&
                ms > -62135596800000L && ms < 253402300800000L)
            {
                return DateTime.SpecifyKind(new DateTime(1970, 1, 1).AddMilliseconds(ms), DateTimeKind.Utc);
            }
            return null;
        }
        return ShareTimes.Parse(s);
    }

    /// <summary>
    /// The resource type of a shared item: OneDrive when the URL is on the personal sites' host
    /// (<c>contoso-my.sharepoint.com/personal/...</c>), or, without a URL, when the workload says so;
    /// SharePoint otherwise; File, Folder,
    /// Site (ItemType Web or Site), List, or Item when the record does not say.
    /// </summary>
    public static string ResourceTypeOf(string? itemType, string? url, string? workload, string? sourceFileName)
    {
        bool oneDrive = !string.IsNullOrEmpty(url)
            ? url!.IndexOf("-my.sharepoint.", StringComparison.OrdinalIgnoreCase) >= 0
            : string.Equals(workload, "OneDrive", StringComparison.OrdinalIgnoreCase);
        string prefix = oneDrive ? "OneDrive" : "SharePoint";
        switch ((itemType ?? "").Trim().ToLowerInvariant())
        {
            case "file":
                return prefix + "File";
            case "folder":
                return prefix + "Folder";
            case "web":
            case "site":
                return prefix + "Site";
            case "list":
                return prefix + "List";
            case "listitem":
                return prefix + "ListItem";
            case "":
                return !string.IsNullOrEmpty(sourceFileName) && sourceFileName!.IndexOf('.') > 0 ? prefix + "File" : prefix + "Item";
            default:
                return prefix + "Item";
        }
    }
}
