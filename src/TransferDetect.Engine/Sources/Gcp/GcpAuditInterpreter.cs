using System;
using System.Collections.Generic;
using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Gcp;

/// <summary>GCP audit log records into share events.</summary>
internal sealed class GcpAuditInterpreter : ShareInterpreter
{
    public GcpAuditInterpreter(ISet<ShareCategory>? categories)
        : base(categories)
    {
    }

    public override Provider Provider => Provider.Gcp;

    public override string FormatName => "GCP audit log";

    public override IReadOnlyList<string> Operations { get; } = Array.Empty<string>();

    public override RecordClaim Claim(ReadOnlySpan<byte> json) =>
        json.IndexOf("\"protoPayload\""u8) >= 0 ? RecordClaim.Candidate : RecordClaim.NotMine;

    public override bool Recognizes(JsonElement record) => record.Prop("protoPayload").ValueKind != JsonValueKind.Undefined;

    public override void Interpret(JsonElement record, RecordContext context, List<ShareEvent> output)
    {
    }
}
