using System.Text;
using TransferDetect.Engine.Live.Aws;
using Xunit;

namespace TransferDetect.Engine.Tests.LiveAws;

/// <summary>AWS's published SigV4 test suite (aws-sig-v4-test-suite), credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z.</summary>
public class SigV4SignerTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string SuiteToken = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
    private static readonly DateTime When = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);

    private static string Authorization(string method, string url, string body = "", string? token = null, params (string, string)[] headers)
    {
        var signed = AwsSigV4Signer.Sign(method, new Uri(url), headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2)),
            Encoding.UTF8.GetBytes(body), new AwsSigningCredentials("AKIDEXAMPLE", Secret, token), "us-east-1", "service", When);
        Assert.Equal("20150830T123600Z", signed.Single(h => h.Key == "X-Amz-Date").Value);
        return signed.Single(h => h.Key == "Authorization").Value;
    }

    private static string Expected(string signedHeaders, string signature) =>
        $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}";

    [Fact]
    public void Get_vanilla_matches_the_suite() =>
        Assert.Equal(Expected("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
            Authorization("GET", "https://example.amazonaws.com/"));

    [Fact]
    public void Post_vanilla_matches_the_suite() =>
        Assert.Equal(Expected("host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
            Authorization("POST", "https://example.amazonaws.com/"));

    [Fact]
    public void Post_vanilla_query_matches_the_suite() =>
        Assert.Equal(Expected("host;x-amz-date", "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
            Authorization("POST", "https://example.amazonaws.com/?Param1=value1"));

    [Fact]
    public void Post_x_www_form_urlencoded_body_is_hashed_and_content_type_signed() =>
        Assert.Equal(Expected("content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
            Authorization("POST", "https://example.amazonaws.com/", "Param1=value1", null, ("Content-Type", "application/x-www-form-urlencoded")));

    [Fact]
    public void Get_header_value_trim_collapses_spaces() =>
        Assert.Equal(Expected("host;my-header1;my-header2;x-amz-date", "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
            Authorization("GET", "https://example.amazonaws.com/", "", null, ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")));

    [Fact]
    public void Post_header_key_sort_lowercases_and_sorts() =>
        Assert.Equal(Expected("host;my-header1;x-amz-date", "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
            Authorization("POST", "https://example.amazonaws.com/", "", null, ("My-Header1", "value1")));

    [Fact]
    public void Post_sts_header_before_signs_the_session_token()
    {
        Assert.Equal(Expected("host;x-amz-date;x-amz-security-token", "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"),
            Authorization("POST", "https://example.amazonaws.com/", "", SuiteToken));
    }

    [Fact]
    public void Signed_headers_never_hold_the_secret()
    {
        var signed = AwsSigV4Signer.Sign("POST", new Uri("https://example.amazonaws.com/"), Array.Empty<KeyValuePair<string, string>>(),
            Array.Empty<byte>(), new AwsSigningCredentials("AKIDEXAMPLE", Secret, "tok"), "us-east-1", "service", When);
        Assert.DoesNotContain(signed, h => h.Value.Contains(Secret));
        Assert.Equal("tok", signed.Single(h => h.Key == "X-Amz-Security-Token").Value);
    }

    [Fact]
    public void Host_header_keeps_a_non_default_port() =>
        Assert.Equal("127.0.0.1:4566", AwsSigV4Signer.HostHeader(new Uri("http://127.0.0.1:4566/")));
}
