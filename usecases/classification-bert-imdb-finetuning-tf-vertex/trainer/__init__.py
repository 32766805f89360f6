"""BERT sentiment fine-tuning with Keras and keras-hub: the Vertex AI custom job's entry point (trainer.task)."""
