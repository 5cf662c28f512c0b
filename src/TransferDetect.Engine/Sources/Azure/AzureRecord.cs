using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace TransferDetect.Engine.Sources.Azure;

/// <summary>
/// One Activity Log record read the same way whatever its shape: the REST / portal / <c>az monitor
/// activity-log list</c> export (<c>operationName.value</c>, <c>status.value</c>, <c>eventTimestamp</c>),
/// the diagnostic-setting blob (<c>operationName</c> string, <c>resultType</c>, <c>time</c>,
/// <c>identity.claims</c>), Log Analytics' AzureActivity table as JSON or CSV (<c>OperationNameValue</c>,
/// <c>ActivityStatusValue</c>, <c>TimeGenerated</c>, <c>Properties_d</c> as a JSON string), and the
/// Datadog-normalised form (<c>evt.name</c>, <c>evt.outcome</c>). Fields that an export writes as a JSON
/// string (Log Analytics' dynamic columns, <c>properties.requestbody</c>) are parsed on demand; the
/// documents parsed are disposed with the record.
/// </summary>
internal sealed class AzureRecord : IDisposable
{
    private readonly List<JsonDocument> _documents = new();
    private JsonElement? _properties;
    private JsonElement? _claims;

    public AzureRecord(JsonElement root)
    {
        Root = root;
    }

    public JsonElement Root { get; }

    /// <summary>The root's fields by name: a record is asked for some forty names, most of them spellings of other shapes.</summary>
    private JsonFieldIndex Fields => _fields ??= Take(ref _spareFields, Root);

    private JsonFieldIndex? _fields;

    /// <summary>The claims' fields by name (the caller is looked for under seven of them).</summary>
    private JsonFieldIndex ClaimFields => _claimFields ??= Take(ref _spareClaimFields, Claims);

    private JsonFieldIndex? _claimFields;

    // The tables of the last record read on this thread, reused by the next (a record is read and disposed on one thread).
    [ThreadStatic] private static JsonFieldIndex? _spareFields;
    [ThreadStatic] private static JsonFieldIndex? _spareClaimFields;

    private static JsonFieldIndex Take(ref JsonFieldIndex? spare, JsonElement obj)
    {
        var index = spare ?? new JsonFieldIndex();
        spare = null;
        index.Reset(obj);
        return index;
    }

    private static void GiveBack(ref JsonFieldIndex? index, ref JsonFieldIndex? spare)
    {
        if (index == null) return;
        index.Release();
        spare = index;
        index = null;
    }

    /// <summary>A Log Analytics row, whose TenantId column is the workspace's id, not the Entra tenant (looked at when first asked).</summary>
    public bool IsLogAnalytics => _isLogAnalytics ??=
        Has(Fields, "OperationNameValue"u8) || Has(Fields, "ActivityStatusValue"u8) || Has(Fields, "_ResourceId"u8) ||
        string.Equals(Fields.Str("Type"u8), "AzureActivity", StringComparison.OrdinalIgnoreCase);

    private bool? _isLogAnalytics;

    /// <summary>The operation name as the record writes it (any case), from the first field of any shape that has one.</summary>
    public static string? OperationOf(JsonElement root)
    {
        if (!root.IsObject()) return null;
        return Localizable(root.Prop("operationName"u8)) ?? NonEmpty(root.Str("OperationNameValue"u8)) ??
            Localizable(root.Prop("OperationName"u8)) ?? NonEmpty(root.Prop("evt"u8).Str("name"u8));
    }

    /// <summary>Other places that name the operation when the operation field does not (a localized name): properties.message, authorization.action.</summary>
    public IEnumerable<string> OperationAlternatives()
    {
        var message = NonEmpty(Properties.Str("message"u8));
        if (message != null) yield return message;
        var authorization = Embedded(Fields.Prop("authorization"u8, "Authorization_d"u8));
        if (authorization.ValueKind == JsonValueKind.Undefined) authorization = Embedded(Fields.Prop("Authorization"u8));
        if (authorization.ValueKind == JsonValueKind.Undefined) authorization = Fields.Prop("identity"u8).Prop("authorization"u8);
        var action = NonEmpty(authorization.Str("action"u8));
        if (action != null) yield return action;
    }

    /// <summary>properties (REST, diagnostic, Datadog) or Properties_d / Properties (Log Analytics, possibly a JSON string).</summary>
    public JsonElement Properties
    {
        get
        {
            if (_properties is JsonElement p) return p;
            var v = default(JsonElement);
            foreach (var name in PropertiesFields)
            {
                v = Embedded(Fields.Prop(name));
                if (v.ValueKind == JsonValueKind.Object) break;
                // A JSON-looking string that does not parse (cut short): what the record holds cannot be read.
                if (v.ValueKind == JsonValueKind.String) PropertiesUnreadable = true;
            }
            if (v.ValueKind == JsonValueKind.Object) PropertiesUnreadable = false;
            // Get-AzActivityLog's PSEventData writes the dictionary under Content.
            if (v.ValueKind == JsonValueKind.Object && v.Prop("Content"u8).ValueKind == JsonValueKind.Object) v = v.Prop("Content"u8);
            _properties = v;
            return v;
        }
    }

    private static readonly byte[][] PropertiesFields = { "properties"u8.ToArray(), "Properties_d"u8.ToArray(), "Properties"u8.ToArray() };

    /// <summary>The record's properties are JSON text that does not parse (a Log Analytics export cut short).</summary>
    public bool PropertiesUnreadable { get; private set; }

    /// <summary>The caller's token claims: claims (REST), identity.claims (diagnostic), Claims_d / Claims (Log Analytics).</summary>
    public JsonElement Claims
    {
        get
        {
            if (_claims is JsonElement c) return c;
            var v = Embedded(Fields.Prop("claims"u8));
            if (v.ValueKind != JsonValueKind.Object) v = Embedded(Fields.Prop("identity"u8).Prop("claims"u8));
            if (v.ValueKind != JsonValueKind.Object) v = Embedded(Fields.Prop("Claims_d"u8));
            if (v.ValueKind != JsonValueKind.Object) v = Embedded(Fields.Prop("Claims"u8));
            if (v.ValueKind == JsonValueKind.Object && v.Prop("Content"u8).ValueKind == JsonValueKind.Object) v = v.Prop("Content"u8);
            _claims = v;
            return v;
        }
    }

    /// <summary>Started, Accepted, Succeeded, Failed (the diagnostic and Log Analytics words Start, Accept, Success, Failure mapped to them), or another status as written.</summary>
    public string? Status =>
        NormaliseStatus(Localizable(Fields.Prop("status"u8)) ?? NonEmpty(Fields.Str("resultType"u8)) ?? NonEmpty(Fields.Str("ActivityStatusValue"u8)) ??
            Localizable(Fields.Prop("Status"u8)) ?? NonEmpty(Fields.Str("ActivityStatus"u8)) ?? NonEmpty(Fields.Prop("evt"u8).Str("outcome"u8)));

    /// <summary>subStatus (REST), resultSignature (diagnostic), ActivitySubstatusValue (Log Analytics): usually the HTTP status.</summary>
    public string? SubStatus =>
        Localizable(Fields.Prop("subStatus"u8)) ?? NonEmpty(Fields.Str("resultSignature"u8)) ?? NonEmpty(Fields.Str("ActivitySubstatusValue"u8)) ??
        Localizable(Fields.Prop("SubStatus"u8)) ?? NonEmpty(Fields.Str("ActivitySubstatus"u8));

    public string? CorrelationId => NonEmpty(Fields.Str("correlationId"u8)) ?? NonEmpty(Fields.Str("CorrelationId"u8));

    /// <summary>eventDataId (REST, Log Analytics); the diagnostic-setting schema has none.</summary>
    public string? EventDataId => NonEmpty(Fields.Str("eventDataId"u8)) ?? NonEmpty(Fields.Str("EventDataId"u8));

    /// <summary>The caller: caller (REST, Log Analytics), else the UPN, name or application of the token's claims.</summary>
    public string? Caller
    {
        get
        {
            var caller = NonEmpty(Fields.Str("caller"u8)) ?? NonEmpty(Fields.Str("Caller"u8));
            if (caller != null) return caller;
            var c = ClaimFields;
            return NonEmpty(c.Str("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"u8)) ??
                NonEmpty(c.Str("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"u8))?.Trim() ??
                NonEmpty(c.Str("unique_name"u8)) ?? NonEmpty(c.Str("upn"u8)) ?? NonEmpty(c.Str("name"u8)) ?? NonEmpty(c.Str("appid"u8)) ??
                NonEmpty(c.Str("http://schemas.microsoft.com/identity/claims/objectidentifier"u8)) ??
                NonEmpty(Fields.Prop("identity"u8).Prop("authorization"u8).Prop("evidence"u8).Str("principalId"u8)) ??
                NonEmpty(Fields.Prop("usr"u8).Str("name"u8)) ?? NonEmpty(Fields.Prop("usr"u8).Str("id"u8));
        }
    }

    /// <summary>The Entra tenant of the caller's token.</summary>
    public string? CallerTenant => NonEmpty(ClaimFields.Str("http://schemas.microsoft.com/identity/claims/tenantid"u8)) ?? NonEmpty(ClaimFields.Str("tid"u8));

    public string? SourceIp
    {
        get
        {
            var http = Embedded(Fields.Prop("httpRequest"u8, "HttpRequest"u8));
            if (http.ValueKind != JsonValueKind.Object) http = Embedded(Fields.Prop("HTTPRequest"u8));
            return NonEmpty(http.Str("clientIpAddress"u8)) ?? NonEmpty(http.Str("ClientIpAddress"u8)) ?? NonEmpty(Fields.Str("callerIpAddress"u8)) ??
                NonEmpty(Fields.Str("CallerIpAddress"u8)) ?? NonEmpty(ClaimFields.Str("ipaddr"u8)) ?? NonEmpty(Fields.Prop("network"u8).Prop("client"u8).Str("ip"u8));
        }
    }

    /// <summary>
    /// The resource: resourceId (REST, diagnostic), _ResourceId / ResourceId (Log Analytics); when
    /// properties.entity names the same resource, its case is kept (diagnostic blobs write the id in upper case).
    /// </summary>
    public string? ResourceId
    {
        get
        {
            // Read once: the event, its subscription and its fold key all ask for it.
            if (!_resourceIdRead)
            {
                _resourceId = ReadResourceId();
                _resourceIdRead = true;
            }
            return _resourceId;
        }
    }

    private string? _resourceId;
    private bool _resourceIdRead;

    private string? ReadResourceId()
    {
        var id = NonEmpty(Fields.Str("resourceId"u8)) ?? NonEmpty(Fields.Str("_ResourceId"u8)) ?? NonEmpty(Fields.Str("ResourceId"u8));
        var entity = NonEmpty(Properties.Str("entity"u8));
        if (id == null) return entity;
        if (entity != null && string.Equals(entity, id, StringComparison.OrdinalIgnoreCase)) return entity;
        return id;
    }

    /// <summary>The subscription: subscriptionId, else the one in the resource id.</summary>
    public string? SubscriptionId =>
        NonEmpty(Fields.Str("subscriptionId"u8))?.ToLowerInvariant() ?? NonEmpty(Fields.Str("SubscriptionId"u8))?.ToLowerInvariant() ??
        AzureResourceIds.SubscriptionOf(ResourceId);

    /// <summary>
    /// The Entra tenant the resource belongs to: tenantId (REST, diagnostic; not Log Analytics, whose
    /// TenantId is the workspace), else the root of the management-group hierarchy (whose id is the tenant's).
    /// </summary>
    public string? TenantId
    {
        get
        {
            // Whether the row is Log Analytics' is asked only of a record that has a tenantId (the diagnostic schema has none).
            var t = NonEmpty(Fields.Str("tenantId"u8)) ?? NonEmpty(Fields.Str("TenantId"u8));
            if (t != null && !IsLogAnalytics) return t.ToLowerInvariant();
            var hierarchy = NonEmpty(Properties.Str("hierarchy"u8)) ?? NonEmpty(Fields.Str("Hierarchy"u8));
            if (hierarchy == null) return null;
            int slash = hierarchy.IndexOf('/');
            if (slash < 0) return null;
            var root = hierarchy.Substring(0, slash);
            return Guid.TryParse(root, out _) ? root.ToLowerInvariant() : null;
        }
    }

    /// <summary>eventTimestamp (REST), time (diagnostic), TimeGenerated (Log Analytics, the portal's CSV writes it "TimeGenerated [UTC]").</summary>
    public DateTime? Time
    {
        get
        {
            foreach (var name in TimeFields)
            {
                var text = NonEmpty(Fields.Str(name));
                if (text == null) continue;
                var t = ParseTime(text);
                if (t != null) return t;
            }
            return null;
        }
    }

    private static readonly byte[][] TimeFields = Array.ConvertAll(new[]
    {
        "eventTimestamp", "time", "TimeGenerated", "TimeGenerated [UTC]", "EventTimestamp", "EventSubmissionTimestamp",
        "EventSubmissionTimestamp [UTC]", "submissionTimestamp", "@timestamp", "timestamp",
    }, System.Text.Encoding.UTF8.GetBytes);

    private static readonly string[] PortalFormats =
    {
        "M/d/yyyy, h:mm:ss.FFFFFFF tt", "M/d/yyyy, h:mm:ss tt", "M/d/yyyy h:mm:ss.FFFFFFF tt", "M/d/yyyy h:mm:ss tt",
    };

    /// <summary>An ISO-8601 time, or the Azure portal's CSV form "11/24/2026, 10:00:00.000 AM", as UTC.</summary>
    public static DateTime? ParseTime(string text)
    {
        // The portal's forms all hold the date separator: ISO times, nearly all, go straight to the ISO reading.
        if (text.IndexOf('/') >= 0 && DateTime.TryParseExact(text.Trim(), PortalFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
        {
            return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        }
        return ShareTimes.Parse(text);
    }

    /// <summary>The request body of properties (requestbody, as Azure spells it, or requestBody): parsed when a JSON string.</summary>
    public JsonElement RequestBody(out bool unreadable) => Body(out unreadable, "requestbody", "requestBody");

    /// <summary>The response body of properties (responseBody), parsed when a JSON string.</summary>
    public JsonElement ResponseBody(out bool unreadable) => Body(out unreadable, "responseBody", "responsebody");

    private JsonElement Body(out bool unreadable, string name, string alternative)
    {
        unreadable = false;
        var raw = Properties.Prop(name, alternative);
        if (raw.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(raw.GetString())) return default;
        var parsed = Embedded(raw);
        if (raw.ValueKind == JsonValueKind.String && parsed.ValueKind != JsonValueKind.Object)
        {
            unreadable = true;
            return default;
        }
        return parsed.ValueKind == JsonValueKind.Object ? parsed : default;
    }

    /// <summary>The error of a failed record: properties.statusMessage's error (code, message), else the status code.</summary>
    public (string? Code, string? Message) Error()
    {
        var message = Embedded(Properties.Prop("statusMessage"u8));
        var error = message.Prop("error"u8);
        if (error.ValueKind == JsonValueKind.Object)
        {
            return (NonEmpty(error.Str("code"u8)), NonEmpty(error.Str("message"u8)));
        }
        string? text = message.ValueKind == JsonValueKind.String ? NonEmpty(message.GetString()) : null;
        return (NonEmpty(Properties.Str("statusCode"u8)) ?? SubStatus, text);
    }

    /// <summary>The element, or the JSON document a string element holds (parsed once, kept until the record is disposed).</summary>
    public JsonElement Embedded(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.String) return e;
        var text = e.GetString();
        if (string.IsNullOrWhiteSpace(text)) return default;
        var trimmed = text!.TrimStart();
        if (trimmed.Length == 0 || (trimmed[0] != '{' && trimmed[0] != '[')) return e;
        try
        {
            var doc = JsonDocument.Parse(text);
            _documents.Add(doc);
            return doc.RootElement;
        }
        catch (JsonException)
        {
            return e;
        }
    }

    public void Dispose()
    {
        GiveBack(ref _fields, ref _spareFields);
        GiveBack(ref _claimFields, ref _spareClaimFields);
        foreach (var d in _documents) d.Dispose();
        _documents.Clear();
    }

    /// <summary>A localizable string: a plain string, or the value (else localizedValue) of {value, localizedValue}.</summary>
    private static string? Localizable(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => NonEmpty(e.GetString()),
        JsonValueKind.Object => NonEmpty(e.Prop("value"u8, "Value"u8).Str()) ?? NonEmpty(e.Prop("localizedValue"u8, "LocalizedValue"u8).Str()),
        _ => null,
    };

    public static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static bool Has(JsonFieldIndex e, ReadOnlySpan<byte> name) => e.Prop(name).ValueKind != JsonValueKind.Undefined;

    public static string? NormaliseStatus(string? status)
    {
        if (status == null) return null;
        string s = status.Trim().TrimEnd('.');
        switch (s.ToLowerInvariant())
        {
            case "start":
            case "started":
                return "Started";
            case "accept":
            case "accepted":
                return "Accepted";
            case "success":
            case "succeeded":
            case "succeed":
                return "Succeeded";
            case "failure":
            case "failed":
            case "fail":
            case "error":
                return "Failed";
            default:
                return s;
        }
    }
}

/// <summary>Azure resource ids: /subscriptions/{sub}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}/...</summary>
internal static class AzureResourceIds
{
    /// <summary>The subscription of a resource id (lower case), or null when it has none.</summary>
    public static string? SubscriptionOf(string? resourceId)
    {
        if (resourceId == null) return null;
        const string prefix = "/subscriptions/";
        int at = resourceId.IndexOf(prefix, StringComparison.OrdinalIgnoreCase);
        if (at != 0) return null;
        int start = prefix.Length;
        int end = resourceId.IndexOf('/', start);
        string sub = end < 0 ? resourceId.Substring(start) : resourceId.Substring(start, end - start);
        return sub.Length == 0 ? null : sub.ToLowerInvariant();
    }

    /// <summary>Is this an ARM resource id (it starts with /subscriptions/ and names a provider)?</summary>
    public static bool IsResourceId(string? text) =>
        text != null && SubscriptionOf(text) != null && text.IndexOf("/providers/", StringComparison.OrdinalIgnoreCase) > 0;

    /// <summary>The last segment: the resource's name.</summary>
    public static string NameOf(string resourceId)
    {
        var trimmed = resourceId.TrimEnd('/');
        int slash = trimmed.LastIndexOf('/');
        return slash < 0 ? trimmed : trimmed.Substring(slash + 1);
    }

    /// <summary>The id up to the segment after <paramref name="type"/> (…/storageAccounts/{name}), or null.</summary>
    public static string? Upto(string resourceId, string type)
    {
        string marker = "/" + type + "/";
        int at = resourceId.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (at < 0) return null;
        int start = at + marker.Length;
        int end = resourceId.IndexOf('/', start);
        return end < 0 ? resourceId : resourceId.Substring(0, end);
    }

    /// <summary>The resource type of a disk-like source id (AzureSnapshot, AzureDisk, ...).</summary>
    public static string SourceTypeOf(string sourceId)
    {
        if (sourceId.IndexOf("/diskRestorePoints/", StringComparison.OrdinalIgnoreCase) >= 0) return "AzureDiskRestorePoint";
        if (sourceId.IndexOf("/snapshots/", StringComparison.OrdinalIgnoreCase) >= 0) return "AzureSnapshot";
        if (sourceId.IndexOf("/disks/", StringComparison.OrdinalIgnoreCase) >= 0) return "AzureDisk";
        if (sourceId.IndexOf("/galleries/", StringComparison.OrdinalIgnoreCase) >= 0) return "AzureGalleryImageVersion";
        if (sourceId.IndexOf("/images/", StringComparison.OrdinalIgnoreCase) >= 0) return "AzureImage";
        return "AzureResource";
    }
}
