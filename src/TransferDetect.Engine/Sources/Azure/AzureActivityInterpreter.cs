using System;
using System.Collections.Generic;
using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Azure;

/// <summary>Azure Activity Log records into share events.</summary>
internal sealed class AzureActivityInterpreter : ShareInterpreter
{
    public AzureActivityInterpreter(ISet<ShareCategory>? categories)
        : base(categories)
    {
    }

    public override Provider Provider => Provider.Azure;

    public override string FormatName => "Azure Activity Log";

    public override IReadOnlyList<string> Operations { get; } = Array.Empty<string>();

    public override RecordClaim Claim(ReadOnlySpan<byte> json) =>
        json.IndexOf("\"operationName\""u8) >= 0 ? RecordClaim.Candidate : RecordClaim.NotMine;

    public override bool Recognizes(JsonElement record) => record.Prop("operationName").ValueKind != JsonValueKind.Undefined;

    public override void Interpret(JsonElement record, RecordContext context, List<ShareEvent> output)
    {
    }
}
