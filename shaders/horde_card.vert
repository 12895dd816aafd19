#version 330
// The far level of detail: one camera-facing card (2 triangles) per agent, the running
// figure painted procedurally by horde_card.frag. Same per-instance texels as horde.vert.
// The card turns about the vertical toward the camera and tilts to face it; its height
// is what an upright figure projects from that elevation (body height times cos, plus
// the shoulders' depth times sin), so a crowd seen from above does not vanish edge-on.
// p3d_Vertex.xz = card corner (x -0.5..0.5 across, z 0..1 up).
uniform mat4 p3d_ModelViewMatrix;
uniform mat4 p3d_ModelViewMatrixInverse;
uniform mat4 p3d_ProjectionMatrix;
uniform mat4 p3d_ModelMatrix;
uniform samplerBuffer u_instances;
uniform float u_time;

in vec4 p3d_Vertex;

#include "horde_common.glsl"

// card width, metres: head-on the figure is narrow; side-on the stride and the arms
// reaching ahead need about 1.5 m (fragments outside the figure are discarded: keep the
// card tight, its area is the far horde's whole cost)
const float CARD_W_FRONT = 0.72;
const float CARD_W_SIDE = 1.52;
const float FIG_H = 1.8;

out vec2 v_uv;              // metres on the figure: x across (toward its heading > 0), y up
out vec3 v_view_pos;
flat out vec3 v_right;      // world-space card right (for a cylinder-ish normal)
flat out vec3 v_toward;     // world-space horizontal direction to the camera
flat out vec4 v_gait;       // (phase, facing -1..1, lean, arm reach jitter)
flat out vec3 v_skin;
flat out vec3 v_top;      // jacket
flat out vec3 v_shirt;
flat out vec3 v_legs;
flat out vec2 v_fade;

void main() {
    int id = gl_InstanceID;
    vec4 a = texelFetch(u_instances, id * 2);
    vec4 b = texelFetch(u_instances, id * 2 + 1);
    float seed = fract(b.y) * 1000.0;
    float r1 = hash1(seed + 3.0), r2 = hash1(seed + 5.0);
    float scale = 0.92 + 0.16 * r2;

    vec3 cam = (p3d_ModelViewMatrixInverse * vec4(0.0, 0.0, 0.0, 1.0)).xyz;
    vec3 base = a.xyz;
    vec3 to = cam - (base + vec3(0.0, 0.0, 0.9));
    float dist = length(to);
    vec3 to3 = to / max(dist, 1e-4);
    vec2 th = to.xy;
    th = dot(th, th) > 1e-8 ? normalize(th) : vec2(0.0, -1.0);
    vec3 right = vec3(-th.y, th.x, 0.0);          // cross(up, toward)
    vec3 up = normalize(cross(to3, right));
    float sin_e = clamp(to3.z, 0.0, 1.0);
    float cos_e = sqrt(1.0 - sin_e * sin_e);
    float h = FIG_H * scale * (cos_e + 0.28 * sin_e);
    vec2 head = vec2(cos(a.w), sin(a.w));
    float facing = dot(head, right.xy);           // +1: running toward screen right
    float width = mix(CARD_W_FRONT, CARD_W_SIDE, abs(facing));
    vec3 p = base + right * (p3d_Vertex.x * width * scale) + up * (p3d_Vertex.z * h);

    vec4 view = p3d_ModelViewMatrix * vec4(p, 1.0);
    gl_Position = p3d_ProjectionMatrix * view;
    v_view_pos = view.xyz;
    v_uv = vec2(p3d_Vertex.x * width, p3d_Vertex.z * FIG_H);
    v_right = mat3(p3d_ModelMatrix) * right;
    v_toward = mat3(p3d_ModelMatrix) * vec3(th, 0.0);
    v_gait = vec4(b.x, facing, 0.32, sin(b.x * 3.0 + r1 * 6.28) * 0.12 + sin(u_time * 9.0 + r2 * 20.0) * 0.05);
    v_skin = material_color(0, seed);
    v_top = material_color(5, seed);
    v_shirt = material_color(1, seed);
    v_legs = material_color(2, seed);
    if (b.y >= 1.0) {
        vec3 red = srgb(vec3(0.8, 0.15, 0.1));
        v_skin = mix(v_skin, red, 0.6); v_top = mix(v_top, red, 0.6); v_shirt = mix(v_shirt, red, 0.6); v_legs = mix(v_legs, red, 0.6);
    }
    v_fade = b.zw;
}
