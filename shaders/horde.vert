#version 330
// Instanced running zombie. u_instances holds two texels per agent:
// 2i = (x, y, z, heading radians CCW from +X), 2i+1 = (gait phase radians, tint, fade,
// fade side) -- see horde_common.glsl. The same shader animates the full figure and the
// 19-triangle middle figure (same limb ids and pivots).
// limb.x = limb id (0 torso, 1 head, 2/3 arm L/R, 4/5 thigh L/R, 6/7 shin L/R),
// limb.y = material id (0 skin, 1 shirt, 2 pants, 3 shoes, 4 hair, 5 jacket).
uniform mat4 p3d_ModelViewMatrix;
uniform mat4 p3d_ProjectionMatrix;
uniform mat4 p3d_ModelMatrix;
uniform samplerBuffer u_instances;
uniform float u_time;

in vec4 p3d_Vertex;
in vec3 p3d_Normal;
in vec2 limb;
#include "horde_common.glsl"

out vec3 v_world_normal;
out vec3 v_view_pos;
out vec3 v_view_normal;
#ifdef TWO_SIDED
smooth out vec3 v_albedo;  // middle level: jacket over shirt, hair over skin as gradients
#else
flat out vec3 v_albedo;
#endif
flat out vec2 v_fade;


// rotate d (relative to a pivot) in the x-z plane: positive a swings -z toward +x
vec3 pitch(vec3 d, float a) {
    float c = cos(a), s = sin(a);
    return vec3(d.x * c - d.z * s, d.y, d.x * s + d.z * c);
}
// rotate in the y-z plane (side tilt)
vec3 roll(vec3 d, float a) {
    float c = cos(a), s = sin(a);
    return vec3(d.x, d.y * c - d.z * s, d.y * s + d.z * c);
}

void main() {
    int id = gl_InstanceID;
    vec4 a = texelFetch(u_instances, id * 2);
    vec4 b = texelFetch(u_instances, id * 2 + 1);
    float ph = b.x;
    float seed = fract(b.y) * 1000.0 + float(id) * 0.0;
    float r1 = hash1(seed + 3.0), r2 = hash1(seed + 5.0);
    int l = int(limb.x + 0.5);
    int m = int(limb.y + 0.5);
    vec3 p = p3d_Vertex.xyz;
    vec3 n = p3d_Normal;
    const vec3 hip = vec3(0.0, 0.0, 0.87);
    const vec3 knee = vec3(0.0, 0.0, 0.465);
    const vec3 shoulder = vec3(0.0, 0.0, 1.40);
    const vec3 neck = vec3(0.0, 0.0, 1.46);
    float s = sin(ph);

    if (l >= 4) { // legs: thigh swing, knee bend on the back swing
        float side = (l == 4 || l == 6) ? 1.0 : -1.0;
        float sw = side * s * 0.75;
        float kb = 1.1 * max(0.0, -side * cos(ph)) + 0.15;
        if (l >= 6) { p = knee + pitch(p - knee, -kb); n = pitch(n, -kb); }
        p = hip + pitch(p - hip, sw); n = pitch(n, sw);
    } else if (l == 2 || l == 3) { // arms reach forward, jerky, out of step
        float side = l == 2 ? 1.0 : -1.0;
        float jerk = sin(ph * 3.0 + r1 * 6.28) * 0.12 + sin(u_time * 9.0 + r2 * 20.0) * 0.05;
        float aa = 1.25 + r1 * 0.3 - side * s * 0.3 + jerk;
        p = shoulder + pitch(p - shoulder, aa); n = pitch(n, aa);
        p.y -= side * 0.04;
    } else if (l == 1) { // head lolls: slow side tilt and a forward droop
        float tilt = sin(ph * 0.5 + r2 * 6.28) * 0.22 + (r1 - 0.5) * 0.3;
        p = neck + roll(p - neck, tilt); n = roll(n, tilt);
        p = neck + pitch(p - neck, 0.25 + 0.1 * sin(ph * 2.0)); n = pitch(n, 0.25);
    }
    if (l <= 3) { // upper body leans into the run and twists a little
        float lean = 0.32 + 0.05 * sin(ph * 2.0);
        p = hip + pitch(p - hip, lean); n = pitch(n, lean);
        float tw = s * 0.12;
        p = vec3(p.x * cos(tw) - p.y * sin(tw), p.x * sin(tw) + p.y * cos(tw), p.z);
        n = vec3(n.x * cos(tw) - n.y * sin(tw), n.x * sin(tw) + n.y * cos(tw), n.z);
    }
    p.z += 0.06 * abs(cos(ph)) - 0.03;
    p *= 0.92 + 0.16 * r2; // height variety
    float c = cos(a.w), sn = sin(a.w);
    vec4 local = vec4(a.x + c * p.x - sn * p.y, a.y + sn * p.x + c * p.y, a.z + p.z, 1.0);
    vec3 nl = vec3(c * n.x - sn * n.y, sn * n.x + c * n.y, n.z);

    vec4 view = p3d_ModelViewMatrix * local;
    gl_Position = p3d_ProjectionMatrix * view;
    v_view_pos = view.xyz;
    v_view_normal = mat3(p3d_ModelViewMatrix) * nl;
    v_world_normal = mat3(p3d_ModelMatrix) * nl;
    vec3 alb = material_color(m, seed);
    if (b.y >= 1.0) alb = mix(alb, srgb(vec3(0.8, 0.15, 0.1)), 0.6);
#ifdef TWO_SIDED
    v_albedo = pow(alb, vec3(1.0 / 2.2)); // interpolate display-referred: a gradient from
#else                                     // jacket to shirt averages like the two boxes
    v_albedo = alb;
#endif
    v_fade = b.zw;
}
