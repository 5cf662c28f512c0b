namespace TransferDetect.Engine.Tests.Live;

/// <summary>A credential that hands out a fixed token and counts its calls (the engine's seam for tests).</summary>
public sealed class FixedTokenCredential : global::Azure.Core.TokenCredential
{
    private readonly string _token;
    public FixedTokenCredential(string token) => _token = token;
    public int Calls;
    public List<string> Scopes { get; } = new();

    public override global::Azure.Core.AccessToken GetToken(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        lock (Scopes) Scopes.AddRange(requestContext.Scopes);
        return new global::Azure.Core.AccessToken(_token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<global::Azure.Core.AccessToken> GetTokenAsync(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
