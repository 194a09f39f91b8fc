# shellcheck shell=bash
run_demo_with_images() { run_demo; }
