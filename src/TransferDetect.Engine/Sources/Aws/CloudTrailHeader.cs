using System;
using System.Text.Json;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// The few top-level fields of a CloudTrail record needed to decide whether it matters, read in one
/// pass without allocating. Also recognises a LookupEvents element (EventName, CloudTrailEvent).
/// </summary>
internal ref struct CloudTrailHeader
{
    public bool HasEventName;
    public bool HasEventSource;
    public bool IsLookupEvent;

    /// <summary>Index of the matched operation in the catalogue, or -1.</summary>
    public int OperationIndex;

    /// <summary>Index of the record's eventSource among the catalogue's sources, or -1.</summary>
    public int SourceIndex;

    public bool IsCloudTrail => HasEventName && (HasEventSource || IsLookupEvent);

    /// <summary>Reads the header; throws <see cref="JsonException"/> when the record is not valid JSON.</summary>
    public static CloudTrailHeader Read(ReadOnlySpan<byte> json, AwsShareCatalog catalog)
    {
        var h = new CloudTrailHeader { OperationIndex = -1, SourceIndex = -1 };
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("the record is not a JSON object");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isName = reader.ValueTextEquals("eventName"u8) || reader.ValueTextEquals("EventName"u8);
            bool isSource = !isName && (reader.ValueTextEquals("eventSource"u8) || reader.ValueTextEquals("EventSource"u8));
            bool isInner = !isName && !isSource && reader.ValueTextEquals("CloudTrailEvent"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.String && (isName || isSource || isInner))
            {
                if (isName)
                {
                    h.HasEventName = true;
                    h.OperationIndex = catalog.IndexOfOperation(ref reader);
                }
                else if (isSource)
                {
                    h.HasEventSource = true;
                    h.SourceIndex = catalog.IndexOfSource(ref reader);
                }
                else
                {
                    h.IsLookupEvent = true;
                }
            }
            else
            {
                reader.Skip();
            }
        }
        return h;
    }
}
