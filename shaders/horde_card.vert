#version 330
// The far level of detail: one camera-facing card (2 triangles) per agent, the figure
// painted procedurally by horde_card.frag in its state's gait (horde_common.glsl's
// `gait`, as the figures). Same per-instance texels as horde.vert. A lying agent's card
// lies along its body on the ground, turned about that axis toward the camera: from
// above it shows the sprawled figure, from the side a body's thickness.
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
// lying card: along the body from the feet (-LIE_FEET) to the top of the head (LIE_HEAD)
// about the hip; across, the arms' splay (LIE_W) seen from above, a body's depth edge-on
const float LIE_FEET = 0.95, LIE_HEAD = 1.0, LIE_W = 1.35, LIE_DEPTH = 0.32;

out vec2 v_uv;              // metres on the figure: x across (toward its heading > 0), y up;
                            // lying: x across the body, y along it (hip 0, head > 0)
out vec3 v_view_pos;
out vec3 v_world_pos;
flat out vec3 v_right;      // world-space card right (for a cylinder-ish normal)
flat out vec3 v_toward;     // world-space horizontal direction to the camera; lying: card normal
flat out vec4 v_gait;       // (phase, facing -1..1, lean, bob); lying: (0, across squash, 0, 0)
flat out vec4 v_limbs;      // upright (arm angle 1, arm angle 2, thigh swing, knee bend
                            // amplitude); lying (arm splay L, R, leg spread L, R), radians
flat out float v_lying;     // 1: lying on the ground
flat out vec3 v_skin;
flat out vec3 v_top;      // jacket
flat out vec3 v_shirt;
flat out vec3 v_legs;
flat out vec2 v_fade;

void main() {
    int id = gl_InstanceID;
    vec4 a = texelFetch(u_instances, id * 3);
    vec4 b = texelFetch(u_instances, id * 3 + 1);
    vec4 c3 = texelFetch(u_instances, id * 3 + 2);
    int st = int(c3.x + 0.5), kind = int(c3.y + 0.5);
    float ph = b.x, t = u_time;
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
    vec3 p;
    if (lying(st)) {
        vec2 lp = lying_pose(st, r1, r2);
        float hd = a.w + lp.y;
        vec3 along = -lp.x * vec3(cos(hd), sin(hd), 0.0);   // hip toward the head
        vec3 perp = vec3(-along.y, along.x, 0.0);
        vec3 nrm = to3 - dot(to3, along) * along;
        nrm = dot(nrm, nrm) > 1e-8 ? normalize(nrm) : vec3(0.0, 0.0, 1.0);
        vec3 across = normalize(cross(nrm, along));
        float squash = abs(dot(across, perp));             // 1 from above, 0 edge-on
        float w = max(LIE_W * squash, LIE_DEPTH);
        float u = p3d_Vertex.x * w, v = mix(-LIE_FEET, LIE_HEAD, p3d_Vertex.z);
        p = base + vec3(0.0, 0.0, 0.125) * scale + (across * u + along * v) * scale;
        v_uv = vec2(u * sign(dot(across, perp) + 1e-6), v);
        v_right = mat3(p3d_ModelMatrix) * across;
        v_toward = mat3(p3d_ModelMatrix) * nrm;
        v_gait = vec4(0.0, max(squash, 0.5), 0.0, 0.0);  // edge-on: the body's depth
        bool thrash = st == ST_KNOCKED;
        vec2 hs = vec2(hash1(seed + 12.0), hash1(seed + 10.0));   // left, right (horde.vert)
        vec2 w1 = sin(t * 5.3 + vec2(1.7, -1.7) + r1 * 6.28);
        v_limbs = thrash ? vec4(0.9 + 0.7 * w1, 0.25 + 0.2 * w1)
                         : vec4(0.3 + 1.6 * hs, 0.08 + 0.3 * hs);
        v_lying = 1.0;
    } else {
        vec3 up = normalize(cross(to3, right));
        float sin_e = clamp(to3.z, 0.0, 1.0);
        float cos_e = sqrt(1.0 - sin_e * sin_e);
        float h = FIG_H * scale * (cos_e + 0.28 * sin_e);
        vec2 head = vec2(cos(a.w), sin(a.w));
        float facing = dot(head, right.xy);           // +1: running toward screen right
        float width = mix(CARD_W_FRONT, CARD_W_SIDE, abs(facing));
        p = base + right * (p3d_Vertex.x * width * scale) + up * (p3d_Vertex.z * h);
        v_uv = vec2(p3d_Vertex.x * width, p3d_Vertex.z * FIG_H);
        v_right = mat3(p3d_ModelMatrix) * right;
        v_toward = mat3(p3d_ModelMatrix) * vec3(th, 0.0);
        Gait g = gait(st, kind, ph, t, r1, r2);
        float s = sin(ph);
        float jerk = g.jerk * (sin(ph * 3.0 + r1 * 6.28) + 0.4 * sin(t * 9.0 + r2 * 20.0));
        v_gait = vec4(ph, facing, g.lean, g.bob);
        v_limbs = vec4(g.arm - s * g.arm_swing + jerk, g.arm + s * g.arm_swing + jerk,
                       s * g.stride + g.stance, g.knee);
        v_lying = 0.0;
    }

    vec4 view = p3d_ModelViewMatrix * vec4(p, 1.0);
    gl_Position = p3d_ProjectionMatrix * view;
    v_view_pos = view.xyz;
    v_world_pos = (p3d_ModelMatrix * vec4(p, 1.0)).xyz;
    v_skin = kind == KIND_HUMAN ? human_skin(seed) : material_color(0, seed);
    v_top = material_color(5, seed);
    v_shirt = material_color(1, seed);
    v_legs = material_color(2, seed);
    if (b.y >= 1.0) {
        vec3 red = srgb(vec3(0.8, 0.15, 0.1));
        v_skin = mix(v_skin, red, 0.6); v_top = mix(v_top, red, 0.6); v_shirt = mix(v_shirt, red, 0.6); v_legs = mix(v_legs, red, 0.6);
    }
    v_fade = b.zw;
}
