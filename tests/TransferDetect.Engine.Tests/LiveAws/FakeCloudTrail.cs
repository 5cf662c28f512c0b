using System.Text.Json;
using System.Text.Json.Nodes;

namespace TransferDetect.Engine.Tests.LiveAws;

/// <summary>
/// CloudTrail's LookupEvents as the service answers it (JSON 1.1): one lookup attribute (EventName or ReadOnly),
/// StartTime/EndTime in epoch seconds, MaxResults, NextToken; newest first. Events are kept per region.
/// <see cref="Override"/> lets a test answer a given call (1-based) differently: throttling, a 500, expired credentials.
/// </summary>
internal sealed class FakeCloudTrail
{
    private readonly Dictionary<string, List<JsonObject>> _events = new(StringComparer.Ordinal);
    private int _calls;

    public int PageSize { get; set; } = 50;
    public int Calls => _calls;

    /// <summary>(call number, region, request) -> a response to send instead, or null to answer normally.</summary>
    public Func<int, string, JsonObject, FakeResponse?>? Override { get; set; }

    public void Add(string region, JsonObject cloudTrailRecord)
    {
        cloudTrailRecord["awsRegion"] = region;
        if (!_events.TryGetValue(region, out var list)) _events[region] = list = new List<JsonObject>();
        list.Add(cloudTrailRecord);
    }

    public void CopyTo(FakeCloudTrail other)
    {
        foreach (var (region, list) in _events) foreach (var e in list) other.Add(region, (JsonObject)e.DeepClone());
    }

    public FakeResponse Handle(FakeRequest request)
    {
        int call = Interlocked.Increment(ref _calls);
        if (request.Operation != "LookupEvents") return FakeResponse.Json("{\"__type\":\"UnknownOperationException\"}", 400);
        string auth = request.Header("authorization") ?? "";
        string region = auth.Split('/')[2];
        var body = JsonNode.Parse(request.BodyText)!.AsObject();
        if (Override?.Invoke(call, region, body) is FakeResponse special) return special;
        IEnumerable<JsonObject> events = _events.TryGetValue(region, out var list) ? list : Enumerable.Empty<JsonObject>();
        if (body["LookupAttributes"] is JsonArray attrs)
        {
            if (attrs.Count > 1) return FakeResponse.Json("{\"__type\":\"InvalidLookupAttributesException\",\"message\":\"only one lookup attribute\"}", 400);
            var a = attrs[0]!.AsObject();
            string key = (string)a["AttributeKey"]!, value = (string)a["AttributeValue"]!;
            events = key switch
            {
                "EventName" => events.Where(e => (string?)e["eventName"] == value),
                "ReadOnly" => events.Where(e => ((bool?)e["readOnly"] ?? false).ToString().ToLowerInvariant() == value),
                _ => events,
            };
        }
        if (body["StartTime"] is JsonNode st) events = events.Where(e => Time(e) >= DateTimeOffset.FromUnixTimeSeconds((long)st).UtcDateTime);
        if (body["EndTime"] is JsonNode et) events = events.Where(e => Time(e) <= DateTimeOffset.FromUnixTimeSeconds((long)et).UtcDateTime);
        var all = events.OrderByDescending(Time).ToList();
        int from = body["NextToken"] is JsonNode t ? int.Parse(((string)t!).Substring(4)) : 0;
        int size = Math.Min(PageSize, (int?)body["MaxResults"] ?? 50);
        var page = all.Skip(from).Take(size).Select(e => (JsonNode)new JsonObject
        {
            ["EventId"] = (string?)e["eventID"],
            ["EventName"] = (string?)e["eventName"],
            ["ReadOnly"] = ((bool?)e["readOnly"] ?? false) ? "true" : "false",
            ["EventTime"] = new DateTimeOffset(Time(e)).ToUnixTimeSeconds(),
            ["EventSource"] = (string?)e["eventSource"],
            ["Username"] = "alice",
            ["Resources"] = new JsonArray(),
            ["CloudTrailEvent"] = e.ToJsonString(),
        }).ToArray();
        var response = new JsonObject { ["Events"] = new JsonArray(page) };
        if (from + size < all.Count) response["NextToken"] = "tok-" + (from + size);
        return FakeResponse.Json(response.ToJsonString());
    }

    private static DateTime Time(JsonObject e) => DateTime.Parse((string)e["eventTime"]!, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);

    public static FakeResponse Error(string type, int status, string message = "error", int? retryAfterSeconds = null)
    {
        var r = FakeResponse.Json("{\"__type\":\"com.amazonaws.cloudtrail.v20131101#" + type + "\",\"message\":\"" + message + "\"}", status);
        if (retryAfterSeconds is int s) r.Headers["Retry-After"] = s.ToString();
        return r;
    }
}
