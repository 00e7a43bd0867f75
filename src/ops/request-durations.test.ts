import { describe, expect, it } from "vitest";
import { RequestDurations } from "./request-durations.js";

describe("RequestDurations", () => {
  it("renders cumulative buckets, sum and count for each series", () => {
    const durations = new RequestDurations("test_seconds");
    const route = durations.forRoute("GET", '/a"b');
    route.observe(200, 0.2);
    route.observe(200, 30);
    route.observe(404, 20_000);
    const text = durations.render();
    expect(text).toContain(
      'test_seconds_bucket{route="/a\\"b",method="GET",status_code="200",le="0.0005"} 1',
    );
    expect(text).toContain('test_seconds_bucket{route="/a\\"b",method="GET",status_code="200",le="0.05"} 2');
    expect(text).toContain('test_seconds_bucket{route="/a\\"b",method="GET",status_code="404",le="10"} 0');
    expect(text).toContain('test_seconds_bucket{route="/a\\"b",method="GET",status_code="404",le="+Inf"} 1');
    expect(text).toContain('test_seconds_count{route="/a\\"b",method="GET",status_code="200"} 2');
  });
});
